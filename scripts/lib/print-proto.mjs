// Prints a .proto source file from a FileDescriptorProto (proto2/proto3 subset).
// Used to rebuild buf/validate/validate.proto from the descriptor embedded in
// @bufbuild/protovalidate, because buf cannot fetch BSR dependencies offline.
// Custom option support is limited to what validate.proto uses: (predefined).cel.
import { fromBinary, isFieldSet } from "@bufbuild/protobuf";
import { FieldDescriptorProtoSchema, FieldOptionsSchema } from "@bufbuild/protobuf/wkt";
import { PredefinedRulesSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";

const TYPE = {
  1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64", 7: "fixed32",
  8: "bool", 9: "string", 12: "bytes", 13: "uint32", 15: "sfixed32", 16: "sfixed64",
  17: "sint32", 18: "sint64",
};
const LABEL = { 1: "optional", 2: "required", 3: "repeated" };
const PREDEFINED_EXT = 1160;

const q = (s) => JSON.stringify(s);

function typeOf(f) {
  if (f.type === 11 || f.type === 14) return f.typeName; // fully qualified, leading dot
  if (f.type === 10) throw new Error("groups are not supported");
  return TYPE[f.type];
}

function fieldOptions(f) {
  const opts = [];
  if (f.defaultValue !== undefined && f.defaultValue !== "") {
    opts.push(`default = ${f.type === 9 ? q(f.defaultValue) : f.defaultValue}`);
  }
  const o = f.options;
  if (o) {
    if (o.deprecated) opts.push("deprecated = true");
    if (isFieldSet(o, FieldOptionsSchema.field.packed)) opts.push(`packed = ${o.packed}`);
    for (const u of o.$unknown ?? []) {
      if (u.no !== PREDEFINED_EXT) throw new Error(`unknown field option ${u.no} on ${f.name}`);
      // unknown fields hold the length-delimited payload with its length prefix
      const rules = fromBinary(PredefinedRulesSchema, stripLength(u.data));
      for (const r of rules.cel) {
        const parts = [];
        if (r.id) parts.push(`id: ${q(r.id)}`);
        if (r.message) parts.push(`message: ${q(r.message)}`);
        if (r.expression) parts.push(`expression: ${q(r.expression)}`);
        opts.push(`(predefined).cel = {${parts.join(", ")}}`);
      }
    }
  }
  return opts.length ? ` [\n${opts.map((x) => `    ${x}`).join(",\n")}\n  ]` : "";
}

function stripLength(bytes) {
  let i = 0;
  while (bytes[i] & 0x80) i++;
  return bytes.subarray(i + 1);
}

function indent(text, n) {
  const pad = " ".repeat(n);
  return text.split("\n").map((l) => (l ? pad + l : l)).join("\n");
}

// proto2 fields read as their default when unset: ask whether the field is present.
const inOneofDecl = (f) => isFieldSet(f, FieldDescriptorProtoSchema.field.oneofIndex) && !f.proto3Optional;

function printField(f, inOneof) {
  const label = inOneof ? "" : `${LABEL[f.label]} `;
  return `${label}${typeOf(f)} ${f.name} = ${f.number}${fieldOptions(f)};`;
}

function printEnum(e) {
  const lines = e.value.map((v) => `${v.name} = ${v.number};`);
  lines.push(...printRanges("reserved", e.reservedRange, false));
  if (e.reservedName.length) lines.push(`reserved ${e.reservedName.map(q).join(", ")};`);
  return `enum ${e.name} {\n${indent(lines.join("\n"), 2)}\n}`;
}

function printRanges(keyword, ranges, exclusiveEnd) {
  if (!ranges.length) return [];
  const parts = ranges.map((r) => {
    const end = exclusiveEnd ? r.end - 1 : r.end;
    if (end >= 536870911) return `${r.start} to max`;
    return r.start === end ? `${r.start}` : `${r.start} to ${end}`;
  });
  return [`${keyword} ${parts.join(", ")};`];
}

function printMessage(m) {
  const body = [];
  for (const e of m.enumType) body.push(printEnum(e));
  for (const n of m.nestedType) body.push(printMessage(n));
  const oneofFields = new Map();
  m.field.forEach((f) => {
    if (inOneofDecl(f)) {
      if (!oneofFields.has(f.oneofIndex)) oneofFields.set(f.oneofIndex, []);
      oneofFields.get(f.oneofIndex).push(f);
    }
  });
  const printedOneofs = new Set();
  for (const f of m.field) {
    if (inOneofDecl(f)) {
      if (printedOneofs.has(f.oneofIndex)) continue;
      printedOneofs.add(f.oneofIndex);
      const decl = m.oneofDecl[f.oneofIndex];
      const inner = oneofFields.get(f.oneofIndex).map((x) => printField(x, true)).join("\n");
      body.push(`oneof ${decl.name} {\n${indent(inner, 2)}\n}`);
    } else {
      body.push(printField(f, false));
    }
  }
  body.push(...printRanges("extensions", m.extensionRange, true));
  body.push(...printRanges("reserved", m.reservedRange, true));
  if (m.reservedName.length) body.push(`reserved ${m.reservedName.map(q).join(", ")};`);
  return `message ${m.name} {\n${indent(body.join("\n"), 2)}\n}`;
}

export function printProto(file, header = "") {
  const out = [header, `syntax = "${file.syntax || "proto2"}";`, "", `package ${file.package};`, ""];
  for (const d of file.dependency) out.push(`import ${q(d)};`);
  out.push("");
  const o = file.options ?? {};
  if (o.goPackage) out.push(`option go_package = ${q(o.goPackage)};`);
  if (o.javaPackage) out.push(`option java_package = ${q(o.javaPackage)};`);
  if (o.javaOuterClassname) out.push(`option java_outer_classname = ${q(o.javaOuterClassname)};`);
  if (o.javaMultipleFiles) out.push(`option java_multiple_files = ${o.javaMultipleFiles};`);
  out.push("");
  const byExtendee = new Map();
  for (const x of file.extension) {
    if (!byExtendee.has(x.extendee)) byExtendee.set(x.extendee, []);
    byExtendee.get(x.extendee).push(x);
  }
  for (const [extendee, xs] of byExtendee) {
    out.push(`extend ${extendee} {\n${xs.map((x) => `  ${printField(x, false)}`).join("\n")}\n}`, "");
  }
  for (const m of file.messageType) out.push(printMessage(m), "");
  for (const e of file.enumType) out.push(printEnum(e), "");
  return out.join("\n");
}
