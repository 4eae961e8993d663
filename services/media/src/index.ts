// @flick/media: the engine-facing media layer. The media worker and the Upload/Video
// aggregates use these; nothing here knows about events or RPCs.
export * from "./config.js";
export * from "./ffmpeg/ffmpeg.js";
export * from "./ffmpeg/check.js";
export * from "./probe/errors.js";
export * from "./probe/probe.js";
export * from "./probe/sniff.js";
export * from "./probe/validate.js";
export * from "./probe/normalize.js";
export * from "./effects/spec.js";
export * from "./effects/color.js";
export * from "./effects/graph.js";
export * from "./effects/render.js";
export * from "./hls/ladder.js";
export * from "./hls/commands.js";
export * from "./hls/playlist.js";
export * from "./hls/init-segment.js";
export * from "./hls/pipeline.js";
export * from "./blobs/blob-store.port.js";
export * from "./blobs/content-type.js";
export * from "./blobs/local.blob-store.js";
export * from "./blobs/s3.blob-store.js";
export * from "./blobs/publish.js";
export * from "./upload/tus.upload-handler.js";
export * from "./playback/range.js";
export * from "./playback/playback.handler.js";
export * from "./hls/first-playable.js";
