import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { DiagnosticsService } from "@flick/contracts/flick/diagnostics/v1/diagnostics_service_pb";
import { callerKey } from "@flick/server";
import { currentTraceId } from "@flick/telemetry";

export const diagnosticsService: ServiceImpl<typeof DiagnosticsService> = {
  echo(req, ctx) {
    return {
      message: req.message,
      userId: ctx.values.get(callerKey)?.userId ?? "",
      traceId: currentTraceId() ?? "",
      serverTime: timestampNow(),
    };
  },
};
