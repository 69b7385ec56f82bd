/**
 * Tenki sandboxes as LangChain4j tools: start with {@link
 * cloud.tenki.langchain4j.TenkiLangChain4j}.
 *
 * <p>{@link cloud.tenki.langchain4j.TenkiLangChain4j#toolProvider()} offers the agent toolkit's
 * selected tools to an AI service, {@link cloud.tenki.langchain4j.TenkiLangChain4j#sandboxTools()}
 * the standard set as {@code @Tool} methods, and {@link
 * cloud.tenki.langchain4j.TenkiLangChain4j#codeExecutionEngine(String)} a code execution engine.
 * Every chat memory id is a conversation with its own sandbox. The tools' behaviour lives in the
 * agent toolkit of {@code tenki-core} ({@link cloud.tenki.sandbox.agent.SandboxToolkit}); this
 * package only adapts it.
 */
package cloud.tenki.langchain4j;
