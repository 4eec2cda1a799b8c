// The web page's entry: decides between sign-in and the signed-in pages, and keeps the URL in
// step (/sign-in, /, /account) with the History API so reload and back work.
import { accountView } from './account-view';
import { api, ApiError, useSession, whenSessionLost, type SessionInfo } from './api-client';
import { h, replaceChildren } from './dom';
import { menuBar } from './menu-bar';
import { signInView } from './sign-in-view';

const root = document.getElementById('app');
if (!root) throw new Error('the page has no #app element');
const app: HTMLElement = root;

let session: SessionInfo | null = null;
// Where to go after signing in: the page that was asked for.
let afterSignIn = '/';

function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else if (location.pathname !== path) history.pushState(null, '', path);
  render();
}

function render(notice: string | null = null): void {
  const path = location.pathname;
  if (session === null) {
    if (path !== '/sign-in') {
      afterSignIn = path === '/account' ? path : '/';
      history.replaceState(null, '', '/sign-in');
    }
    document.title = 'Sign in · Tessera';
    replaceChildren(app, signInView(notice, signedIn));
    focusHeading();
    return;
  }
  if (path === '/sign-in') history.replaceState(null, '', afterSignIn);
  const bar = menuBar(session.user, { navigate, signOut });
  if (location.pathname === '/account') {
    document.title = 'My Account · Tessera';
    replaceChildren(app, bar, accountView(session.user));
  } else {
    document.title = 'Tessera';
    replaceChildren(app, bar, homeView(session));
  }
  focusHeading();
}

function homeView(current: SessionInfo): HTMLElement {
  const link = h('a', { href: '/account' }, 'My Account');
  link.addEventListener('click', (event) => {
    event.preventDefault();
    navigate('/account');
  });
  return h(
    'main',
    { id: 'main', class: 'home' },
    h('h1', { tabindex: '-1' }, `Welcome, ${current.user.name || current.user.email}`),
    h('p', {}, 'Open ', link, ' from the profile icon to create and revoke your personal access tokens.'),
  );
}

function focusHeading(): void {
  app.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
}

function signedIn(next: SessionInfo): void {
  session = next;
  useSession(next);
  navigate(afterSignIn, true);
}

function signOut(): void {
  api
    .signOut()
    .catch(() => undefined) // Ended already (expired or signed out elsewhere): the result is the same.
    .finally(() => {
      session = null;
      useSession(null);
      afterSignIn = '/';
      history.pushState(null, '', '/sign-in');
      render('You have signed out.');
    });
}

whenSessionLost(() => {
  if (session === null) return;
  session = null;
  useSession(null);
  render('Your session has ended. Sign in again to continue.');
});

window.addEventListener('popstate', () => render());

api
  .currentSession()
  .then((current) => {
    session = current;
    useSession(current);
  })
  .catch((error: unknown) => {
    if (!(error instanceof ApiError && error.status === 401)) console.error('Could not check the session', error);
  })
  .finally(() => render());
