package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.Sandbox;
import cloud.tenki.sandbox.TenkiException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One call's use of its conversation's sandbox: keeps the conversation from being idled while the
 * call runs, carries the notes the call's result must show, and retries a call's first backend
 * request once on a replacement when the sandbox turns out to have vanished or been paused. Used by
 * one thread; closing it ends the use.
 */
final class Lease implements AutoCloseable {
  private final Conversation conversation;
  private final List<String> notes;
  private LiveSandbox live;
  private boolean closed;

  Lease(Conversation conversation, LiveSandbox live, List<String> notes) {
    this.conversation = conversation;
    this.live = live;
    this.notes = new ArrayList<>(notes);
  }

  LiveSandbox live() {
    return live;
  }

  Sandbox sandbox() {
    return live.sandbox;
  }

  Conversation conversation() {
    return conversation;
  }

  List<String> notes() {
    return notes;
  }

  void addNote(String note) {
    if (note != null && !note.isEmpty() && !notes.contains(note)) {
      notes.add(note);
    }
  }

  void switchTo(LiveSandbox replacement, String note) {
    this.live = replacement;
    addNote(note);
  }

  /**
   * Runs a call's first backend request, which changes nothing if it fails; when it fails because
   * the sandbox vanished or was paused, runs it once more on the replacement.
   */
  <T> T first(Function<LiveSandbox, T> request) {
    try {
      return request.apply(live);
    } catch (TenkiException e) {
      if (conversation.recover(this, e)) {
        return request.apply(live);
      }
      throw e;
    }
  }

  /** After a failure midway: what to add to the error message if the sandbox is gone. */
  String afterFailure() {
    return conversation.afterFailure(live);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      conversation.release();
    }
  }
}
