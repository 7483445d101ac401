// What the log-store tests compare: entries to persist, and everything a RaftLogStore shows of itself as plain data,
// so two stores (or one store before and after a restart) are compared with one toEqual.
import type { RaftLogStore } from '../../src/node/log-store.js';
import type { Entry } from '../../src/types.js';

/** Entry `index` of `term`; every fifth one a configuration change, so both kinds are stored and read back. */
export const ent = (index: number, term: number, s = `e${index}`): Entry => ({
  index,
  term,
  type: index % 5 === 0 ? 'confChange' : 'normal',
  data: new TextEncoder().encode(s),
});

export function dump(st: RaftLogStore) {
  const snap = st.snapshot();
  return {
    hs: st.hardState(),
    init: st.initialState(),
    first: st.firstIndex(),
    last: st.lastIndex(),
    snap: { metadata: snap.metadata, data: [...snap.data] },
    entries:
      st.lastIndex() >= st.firstIndex()
        ? st.entries(st.firstIndex(), st.lastIndex() + 1).map((e) => ({ ...e, data: [...e.data] }))
        : [],
    termBeforeFirst: st.term(st.firstIndex() - 1),
  };
}
