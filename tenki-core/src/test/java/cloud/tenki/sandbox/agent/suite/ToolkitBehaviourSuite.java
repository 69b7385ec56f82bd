package cloud.tenki.sandbox.agent.suite;

/**
 * What the agent toolkit must do on every backend, written once: subclasses say how to get a client
 * (the local engine, the cloud) and inherit every test. Commands, output, files, background
 * processes, conversations, lifetimes and ports live in the mixed-in behaviour interfaces.
 *
 * <p>Every tool call goes through {@link ToolkitHarness}, which checks each structured result
 * against the tool's output schema and each text for sandbox ids and stack traces.
 *
 * <pre>{@code
 * class EngineToolkitBehaviourTest extends ToolkitBehaviourSuite {
 *   @Override
 *   protected TenkiClient newClient() {
 *     return TenkiClient.builder().environment(Map.of()).localEngine().build();
 *   }
 * }
 * }</pre>
 */
public abstract class ToolkitBehaviourSuite extends ToolkitSuiteBase
    implements CommandBehaviour,
        OutputBehaviour,
        FileBehaviour,
        ProcessBehaviour,
        ConversationBehaviour,
        LifetimeBehaviour,
        PortBehaviour {}
