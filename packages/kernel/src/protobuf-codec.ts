// Domain events are protobuf messages (proto/flick/events/v1): the stored type name is the
// message's fully-qualified name and the payload its binary encoding, so consumers in any
// language can decode them and `buf breaking` guards their evolution.

import { fromBinary, fromJsonString, toBinary, type Message, type Registry } from "@bufbuild/protobuf";
import type { EventCodec } from "./codec.js";

/**
 * A codec for every message in `registry` (build it with `createRegistry(file_events_v1, …)`
 * from the generated code). Payloads written as JSON are read too.
 */
export function createProtobufCodec<E extends Message = Message>(registry: Registry): EventCodec<E> {
  return {
    encode(event) {
      const schema = registry.getMessage(event.$typeName);
      if (!schema) throw new Error(`protobuf codec: ${event.$typeName} is not in the registry`);
      return { type: event.$typeName, data: toBinary(schema, event), contentType: "application/octet-stream" };
    },
    decode(recorded) {
      const schema = registry.getMessage(recorded.type);
      if (!schema) return undefined;
      if (recorded.contentType === "application/json") {
        return fromJsonString(schema, new TextDecoder().decode(recorded.data), { registry }) as E;
      }
      return fromBinary(schema, recorded.data) as E;
    },
  };
}
