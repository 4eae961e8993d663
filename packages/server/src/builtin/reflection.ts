// gRPC server reflection v1, so `buf curl --list-methods`, grpcurl and Postman can discover
// the API without the protos. No package provides it for connect-node (connect-es #507).
import { create, createRegistry, toBinary, type DescFile, type DescService } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  ServerReflection,
  type ServerReflectionRequest,
  type ServerReflectionResponse,
  ServerReflectionResponseSchema,
} from "@flick/contracts/grpc/reflection/v1/reflection_pb";

export function reflectionService(services: DescService[]): Partial<ServiceImpl<typeof ServerReflection>> {
  const files = new Map<string, DescFile>();
  const collect = (f: DescFile) => {
    if (files.has(f.name)) return;
    files.set(f.name, f);
    f.dependencies.forEach(collect);
  };
  services.forEach((s) => collect(s.file));
  const registry = createRegistry(...files.values());
  const serviceNames = services.map((s) => s.typeName).sort();

  // A file and everything it imports, dependencies first: clients ask once.
  const withDeps = (file: DescFile): Uint8Array[] => {
    const seen = new Set<string>();
    const out: Uint8Array[] = [];
    const visit = (f: DescFile) => {
      if (seen.has(f.name)) return;
      seen.add(f.name);
      f.dependencies.forEach(visit);
      out.push(toBinary(FileDescriptorProtoSchema, f.proto));
    };
    visit(file);
    return out.reverse();
  };

  const fileOfSymbol = (symbol: string): DescFile | undefined => {
    const d = registry.get(symbol);
    if (d) return "file" in d ? d.file : undefined;
    // A method: "pkg.Service.Method".
    const cut = symbol.lastIndexOf(".");
    const svc = cut > 0 ? registry.getService(symbol.slice(0, cut)) : undefined;
    return svc?.methods.some((m) => m.name === symbol.slice(cut + 1)) ? svc.file : undefined;
  };

  const answer = (req: ServerReflectionRequest): ServerReflectionResponse => {
    const base = { validHost: req.host, originalRequest: req };
    const notFound = (what: string) =>
      create(ServerReflectionResponseSchema, {
        ...base,
        messageResponse: { case: "errorResponse", value: { errorCode: 5, errorMessage: `${what} not found` } },
      });
    const fileResponse = (list: Uint8Array[]) =>
      create(ServerReflectionResponseSchema, {
        ...base,
        messageResponse: { case: "fileDescriptorResponse", value: { fileDescriptorProto: list } },
      });
    const r = req.messageRequest;
    switch (r.case) {
      case "listServices":
        return create(ServerReflectionResponseSchema, {
          ...base,
          messageResponse: { case: "listServicesResponse", value: { service: serviceNames.map((name) => ({ name })) } },
        });
      case "fileByFilename": {
        const f = files.get(r.value);
        return f ? fileResponse(withDeps(f)) : notFound(`file ${r.value}`);
      }
      case "fileContainingSymbol": {
        const f = fileOfSymbol(r.value);
        return f ? fileResponse(withDeps(f)) : notFound(`symbol ${r.value}`);
      }
      case "fileContainingExtension": {
        const target = registry.getMessage(r.value.containingType);
        const ext = target && registry.getExtensionFor(target, r.value.extensionNumber);
        return ext ? fileResponse(withDeps(ext.file)) : notFound(`extension ${r.value.extensionNumber} of ${r.value.containingType}`);
      }
      case "allExtensionNumbersOfType": {
        const numbers: number[] = [];
        for (const t of registry) if (t.kind === "extension" && t.extendee.typeName === r.value) numbers.push(t.number);
        return create(ServerReflectionResponseSchema, {
          ...base,
          messageResponse: { case: "allExtensionNumbersResponse", value: { baseTypeName: r.value, extensionNumber: numbers } },
        });
      }
      default:
        return create(ServerReflectionResponseSchema, {
          ...base,
          messageResponse: { case: "errorResponse", value: { errorCode: 3, errorMessage: "empty reflection request" } },
        });
    }
  };

  return {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) yield answer(req);
    },
  };
}
