import { createLocalBlobStore } from "../../src/blobs/local.blob-store.js";
import { tempDir } from "../support/clips.js";
import { blobStoreContract } from "./blob-store.contract.js";

blobStoreContract("local directory", async () => {
  const { dir, cleanup } = await tempDir("flick-blobs-");
  return { store: createLocalBlobStore({ root: dir, publicBaseUrl: "/media" }), publicBaseUrl: "/media", cleanup };
});
