// Commands whose stream is new by construction (a view: one stream per impression) skip
// the read that handleCommand starts with: decide on the initial state and append
// expecting no stream. Only a retried request (or a race on the same impression) finds
// the stream there; then the one command handler takes over, reads it and answers from
// the earlier events, exactly as it would have. Event ids and metadata are the ones
// handleCommand writes, so either path stores the same events. On the hottest path this
// saves one of its two event-store round trips.
import { EventStoreUnavailableError, WrongExpectedRevisionError } from "@flick/event-store";
import { eventId, handleCommand, type CommandResult, type HandleCommandOptions } from "@flick/kernel";

export async function handleNewStreamCommand<Command, State, Event>(
  store: Parameters<typeof handleCommand>[0],
  options: HandleCommandOptions<Command, State, Event>,
): Promise<CommandResult<State, Event>> {
  const { stream, decider, command, requestId, codec } = options;
  const initial = decider.initialState();
  const events = decider.decide(command, initial); // domain errors propagate: nothing appended
  if (events.length === 0) return handleCommand(store, options);
  const metadata = { ...options.metadata, requestId };
  try {
    const appended = await store.append(
      stream,
      events.map((event, i) => ({ id: eventId(requestId, stream, i), ...codec.encode(event), metadata })),
      "no_stream",
    );
    return {
      stream,
      events,
      state: events.reduce(decider.evolve, initial),
      nextRevision: appended.nextRevision,
      checkpoint: appended.checkpoint,
      replayed: false,
      attempts: 1,
    };
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError) && !(error instanceof EventStoreUnavailableError)) throw error;
    return handleCommand(store, options);
  }
}
