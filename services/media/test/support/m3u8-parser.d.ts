// m3u8-parser (video.js) ships no types; only what the tests read is declared.
declare module "m3u8-parser" {
  export interface ParsedPlaylist {
    uri: string;
    attributes: {
      BANDWIDTH: number;
      "AVERAGE-BANDWIDTH"?: string | number;
      RESOLUTION?: { width: number; height: number };
      CODECS?: string;
      "FRAME-RATE"?: number;
      AUDIO?: string;
    };
  }
  export interface ParsedSegment {
    uri: string;
    duration: number;
    map?: { uri: string };
  }
  export interface Manifest {
    playlists?: ParsedPlaylist[];
    mediaGroups?: { AUDIO?: Record<string, Record<string, { uri?: string; default?: boolean }>> };
    segments: ParsedSegment[];
    targetDuration?: number;
    endList?: boolean;
    playlistType?: string;
    independentSegments?: boolean;
  }
  export class Parser {
    push(chunk: string): void;
    end(): void;
    manifest: Manifest;
  }
}
