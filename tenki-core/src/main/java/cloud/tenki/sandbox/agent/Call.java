package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.TenkiException;
import java.time.Duration;

/**
 * Everything one tool call needs: the toolkit's settings, the conversation, the checked arguments
 * and the caller's listener and cancellation. Used by one thread.
 */
final class Call {
  final Settings settings;
  final Conversations conversations;
  final Conversation conversation;
  final ToolArgs args;
  final OutputListener listener;
  final Cancellation cancellation;

  Call(
      Settings settings,
      Conversations conversations,
      Conversation conversation,
      ToolArgs args,
      CallOptions options) {
    this.settings = settings;
    this.conversations = conversations;
    this.conversation = conversation;
    this.args = args;
    this.listener = options.listener();
    this.cancellation = options.cancellation();
  }

  boolean cancelled() {
    return cancellation != null && cancellation.isCancelled();
  }

  /** The leases this call took, whose notes its result must carry. */
  private final java.util.List<Lease> leases = new java.util.ArrayList<>();

  /** The conversation's sandbox for a call that may run for {@code callTime}. */
  Lease lease(Duration callTime) {
    Lease l = conversation.acquire(callTime);
    leases.add(l);
    return l;
  }

  /**
   * {@code result} with the notes of this call's leases that its text does not already say (a new
   * sandbox replaced one that was shut down, say): a failed call carries them too, and a call that
   * took more than one lease (a long command written to a file first) reports what each saw.
   */
  ToolResult withNotes(ToolResult result) {
    java.util.List<ToolContent> content = result.content();
    if (content.isEmpty() || !(content.get(0) instanceof ToolContent.Text first)) {
      return result;
    }
    java.util.List<String> notes = missingNotes(result.text());
    if (notes.isEmpty()) {
      return result;
    }
    String joined = String.join(" ", notes);
    java.util.List<ToolContent> withNote = new java.util.ArrayList<>(content);
    withNote.set(0, new ToolContent.Text(first.text() + "\nNote: " + joined));
    java.util.Map<String, Object> structured = new java.util.LinkedHashMap<>(result.structured());
    if (!result.isError()) {
      Object before = structured.get("note");
      structured.put("note", before == null ? joined : before + " " + joined);
    }
    return new ToolResult(withNote, structured, result.isError());
  }

  private java.util.List<String> missingNotes(String text) {
    java.util.List<String> notes = new java.util.ArrayList<>();
    for (Lease l : leases) {
      for (String n : l.notes()) {
        if (!n.isEmpty() && !notes.contains(n) && !text.contains(n)) {
          notes.add(n);
        }
      }
    }
    return notes;
  }

  /** A lease for a quick call (file operations, status). */
  Lease lease() {
    return lease(Duration.ofMinutes(1));
  }

  /**
   * The error result for a backend failure midway through a call on {@code lease}, telling the
   * model if the sandbox itself is gone.
   */
  ToolFailure failure(String what, TenkiException e, Lease lease) {
    String msg = conversations.failure(what, e);
    return new ToolFailure(msg + (lease == null ? "" : lease.afterFailure()));
  }

  /** Keeps ids, tokens and host paths out of text that came from the backend. */
  String scrub(String text) {
    return Messages.scrub(text, conversations.sandboxIds());
  }
}
