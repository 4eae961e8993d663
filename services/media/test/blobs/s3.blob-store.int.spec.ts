// The same contract against a real S3-compatible server, when one is configured:
//   S3_ENDPOINT=http://127.0.0.1:9000 S3_BUCKET=flick-test S3_ACCESS_KEY_ID=… S3_SECRET_ACCESS_KEY=…
// (services/media/README.md shows how to build and start MinIO for it). Without them the
// suite is skipped, loudly.
import { randomBytes } from "node:crypto";
import { CreateBucketCommand, HeadBucketCommand } from "@aws-sdk/client-s3";
import { describe, it } from "vitest";
import { loadMediaConfig } from "../../src/config.js";
import { createS3BlobStore, createS3Client } from "../../src/blobs/s3.blob-store.js";
import { blobStoreContract } from "./blob-store.contract.js";

const config = loadMediaConfig();
const configured = config.blobs.kind === "s3" && !!process.env.S3_ENDPOINT;

if (configured && config.blobs.kind === "s3") {
  const s3 = config.blobs.s3;
  blobStoreContract(`S3-compatible at ${s3.endpoint}`, async () => {
    const client = createS3Client(s3);
    await client.send(new HeadBucketCommand({ Bucket: s3.bucket })).catch(() => client.send(new CreateBucketCommand({ Bucket: s3.bucket })));
    const keyPrefix = `contract-${randomBytes(4).toString("hex")}/`;
    const store = createS3BlobStore({ s3, client, keyPrefix, publicBaseUrl: "https://cdn.example.test/flick" });
    return {
      store,
      publicBaseUrl: `https://cdn.example.test/flick/${keyPrefix.slice(0, -1)}`,
      cleanup: async () => {
        await store.deletePrefix("");
        client.destroy();
      },
    };
  });
} else {
  console.warn(
    "\n*** SKIPPED: BlobStore contract on S3 — set S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and " +
      "S3_SECRET_ACCESS_KEY to run it (see services/media/README.md for a local MinIO). ***\n",
  );
  describe("BlobStore contract: S3-compatible", () => {
    it.skip("SKIPPED: no S3 server configured (S3_ENDPOINT, S3_BUCKET, credentials)", () => undefined);
  });
}
