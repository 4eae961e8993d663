// The decider (Emmett's shape): an aggregate is three pure functions. Time, ids and the
// caller come in with the command, so `decide` is deterministic and needs no I/O; the
// one command handler does the reading and appending around it.

export interface Decider<Command, State, Event> {
  /** The events a command causes in the given state; throws a DomainError to refuse. */
  decide(command: Command, state: State): Event[];
  /** State after one event; must accept every event the stream may hold. */
  evolve(state: State, event: Event): State;
  /** State of a stream with no events. */
  initialState(): State;
}

/** Folds events into state, starting from the decider's initial state. */
export function fold<State, Event>(
  decider: Pick<Decider<unknown, State, Event>, "evolve" | "initialState">,
  events: Iterable<Event>,
  from: State = decider.initialState(),
): State {
  let state = from;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}
