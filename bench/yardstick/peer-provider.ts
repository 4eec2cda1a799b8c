/**
 * The TypeScript side of the Go yardstick: provider `peer` with one resource `peer_thing`
 * (name: required string, id: computed string; create sets id = name; read and delete change
 * nothing), the same shape as bench/yardstick/go/main.go, written on the protocol layer the way
 * any provider is.
 */
import { defineProvider, defineResource, defineSchema } from '../../provider/protocol';

const thing = defineResource({
  typeName: 'peer_thing',
  schema: defineSchema({
    attributes: {
      id: { type: 'string', computed: true },
      name: { type: 'string', required: true },
    },
  }),
  create({ config }) {
    return { id: config.name };
  },
  read({ state }) {
    return state;
  },
  delete() {
    // Nothing exists outside Terraform's state.
  },
});

export const peerProvider = defineProvider({
  typeName: 'peer',
  schema: defineSchema({ attributes: {} }),
  configure: () => ({}),
  resources: [thing],
});
