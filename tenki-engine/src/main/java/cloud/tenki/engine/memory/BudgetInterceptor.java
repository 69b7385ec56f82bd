package cloud.tenki.engine.memory;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Gives each server call an {@link Account} in its context. A call the network endpoint made
 * carries the endpoint's ticket, whose account outlives the server call (the reply is still being
 * written to the network) and is closed by the endpoint. Any other call (an in-process client) gets
 * an account of its own, closed here when the call completes or is cancelled: its reply is handed
 * over by reference, so nothing of it stays with the engine after that.
 */
final class BudgetInterceptor implements ServerInterceptor {

  private final MemoryBudget budget;

  BudgetInterceptor(MemoryBudget budget) {
    this.budget = budget;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String id = headers.get(MemoryBudget.TICKET);
    headers.discardAll(MemoryBudget.TICKET);
    Account ticket = id == null ? null : budget.ticket(id);
    if (ticket != null) {
      return Contexts.interceptCall(
          Context.current().withValue(MemoryBudget.ACCOUNT, ticket), call, headers, next);
    }
    Account own = budget.open(1);
    ServerCall.Listener<Q> listener;
    try {
      listener =
          Contexts.interceptCall(
              Context.current().withValue(MemoryBudget.ACCOUNT, own), call, headers, next);
    } catch (RuntimeException | Error e) {
      own.close();
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onComplete() {
        try {
          super.onComplete();
        } finally {
          own.close();
        }
      }

      @Override
      public void onCancel() {
        try {
          super.onCancel();
        } finally {
          own.close();
        }
      }
    };
  }
}
