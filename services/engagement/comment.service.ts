// CommentService: thin handlers, proto in, command or query out.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { CommentService } from "@flick/contracts/flick/engagement/v1/comment_service_pb";
import { NotFoundError } from "@flick/kernel";
import { callerKey } from "@flick/server";
import { signedIn } from "../identity/caller.js";
import { deleteComment, likeComment, postComment } from "./commands/comment.command.js";
import type { EngagementContext } from "./engagement.context.js";
import { listComments, listReplies, renderComments } from "./queries/comments.query.js";
import { CreateCommentResponseSchema } from "@flick/contracts/flick/engagement/v1/comment_service_pb";

export function commentService(ctx: EngagementContext): ServiceImpl<typeof CommentService> {
  return {
    async createComment(req, call) {
      const caller = signedIn(call);
      const r = await postComment(ctx, caller.userId, req.requestId, { videoId: req.videoId, text: req.text, parentCommentId: req.parentCommentId });
      const s = r.state;
      const video = (await ctx.videos.get([s.videoId])).get(s.videoId);
      if (!video) throw new NotFoundError("video", s.videoId);
      const [comment] = await renderComments(ctx, caller, video, [
        {
          comment_id: s.commentId,
          video_id: s.videoId,
          video_creator_id: s.videoCreatorId,
          parent_comment_id: s.parentCommentId,
          author_id: s.authorId,
          reply_to_user_id: s.replyToUserId,
          text: s.text,
          mentioned_user_ids: s.mentionedUserIds,
          created_at: s.postedAt ?? null,
          deleted: false,
        },
      ]);
      return create(CreateCommentResponseSchema, { comment, consistencyToken: r.checkpoint ?? "" });
    },
    async deleteComment(req, call) {
      const r = await deleteComment(ctx, signedIn(call), req.requestId, req.commentId);
      return { consistencyToken: r.checkpoint };
    },
    async listComments(req, call) {
      return listComments(ctx, call.values.get(callerKey), {
        videoId: req.videoId,
        order: req.order,
        limit: req.limit,
        cursor: req.cursor,
        consistencyToken: req.consistencyToken,
      });
    },
    async listReplies(req, call) {
      return listReplies(ctx, call.values.get(callerKey), {
        commentId: req.commentId,
        limit: req.limit,
        cursor: req.cursor,
        consistencyToken: req.consistencyToken,
      });
    },
    async likeComment(req, call) {
      const r = await likeComment(ctx, signedIn(call).userId, req.requestId, req.commentId, true);
      return { likeCount: BigInt(r.count), liked: true, consistencyToken: r.checkpoint };
    },
    async unlikeComment(req, call) {
      const r = await likeComment(ctx, signedIn(call).userId, req.requestId, req.commentId, false);
      return { likeCount: BigInt(r.count), liked: false, consistencyToken: r.checkpoint };
    },
  };
}
