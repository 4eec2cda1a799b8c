import type { SessionUser } from './api-client';
import { h, profileIcon } from './dom';

export interface MenuActions {
  navigate(path: string): void;
  signOut(): void;
}

/**
 * The top bar with the profile icon. Its menu follows the WAI-ARIA menu button pattern:
 * Enter, Space or ArrowDown opens it on the first item, arrows move, Escape closes and
 * returns focus to the icon, Tab or a click elsewhere closes it.
 */
export function menuBar(user: SessionUser, actions: MenuActions): HTMLElement {
  const button = h('button', {
    type: 'button',
    class: 'profile-button',
    id: 'profile-button',
    'aria-haspopup': 'menu',
    'aria-expanded': 'false',
    'aria-controls': 'profile-menu',
    'aria-label': `Profile menu for ${user.name || user.email}`,
  });
  button.append(profileIcon());

  const accountItem = h('a', { href: '/account', role: 'menuitem', tabindex: '-1' }, 'My Account');
  const signOutItem = h('button', { type: 'button', role: 'menuitem', tabindex: '-1' }, 'Sign out');
  const items = [accountItem, signOutItem];
  const menu = h(
    'div',
    { class: 'profile-menu', id: 'profile-menu', role: 'menu', 'aria-labelledby': 'profile-button', hidden: true },
    h('p', { class: 'profile-identity', role: 'none' }, h('strong', {}, user.name || user.email), h('span', {}, user.email)),
    accountItem,
    signOutItem,
  );

  const isOpen = () => !menu.hidden;
  const open = (focusIndex: number) => {
    menu.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    items[(focusIndex + items.length) % items.length]?.focus();
    document.addEventListener('pointerdown', closeOnOutsidePointer, true);
  };
  const close = (returnFocus: boolean) => {
    if (!isOpen()) return;
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('pointerdown', closeOnOutsidePointer, true);
    if (returnFocus) button.focus();
  };
  const closeOnOutsidePointer = (event: Event) => {
    if (event.target instanceof Node && !wrapper.contains(event.target)) close(false);
  };

  button.addEventListener('click', () => (isOpen() ? close(true) : open(0)));
  button.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      open(0);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      open(items.length - 1);
    }
  });
  menu.addEventListener('keydown', (event) => {
    const current = items.indexOf(document.activeElement as HTMLAnchorElement | HTMLButtonElement);
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = current + (event.key === 'ArrowDown' ? 1 : -1);
      items[(next + items.length) % items.length]?.focus();
    } else if (event.key === 'Home') {
      event.preventDefault();
      items[0]?.focus();
    } else if (event.key === 'End') {
      event.preventDefault();
      items[items.length - 1]?.focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close(true);
    } else if (event.key === 'Tab') {
      close(false);
    }
  });
  accountItem.addEventListener('click', (event) => {
    event.preventDefault();
    close(false);
    actions.navigate('/account');
  });
  signOutItem.addEventListener('click', () => {
    close(false);
    actions.signOut();
  });

  const brand = h('a', { href: '/', class: 'brand' }, 'Tessera');
  brand.addEventListener('click', (event) => {
    event.preventDefault();
    actions.navigate('/');
  });

  const wrapper = h('div', { class: 'profile' }, button, menu);
  return h('header', { class: 'menu-bar' }, h('nav', { 'aria-label': 'Main' }, brand), wrapper);
}
