package cloud.tenki.sandbox.agent;

/**
 * JSON Schemas of the tools' structured results. Every result may carry {@code note}: something the
 * model must know that is not the tool's answer (for example, that the sandbox was replaced and
 * earlier files are gone).
 */
final class OutputSchemas {

  private OutputSchemas() {}

  private static final String NOTE =
      """
      "note": {"type": "string", "description": "Something to know beyond the result itself."}""";

  private static final String STREAMS =
      """
      "stdout": {"type": "string"},
      "stderr": {"type": "string"},
      "stdout_truncated": {"type": "boolean"},
      "stderr_truncated": {"type": "boolean"},
      "stdout_file": {"type": "string", "description": "Full stdout, when truncated."},
      "stderr_file": {"type": "string", "description": "Full stderr, when truncated."},
      "exit_code": {"type": "integer"},
      "signal": {"type": "string", "description": "Signal that ended the process, if any."},
      """;

  static final String COMMAND_RESULT =
      """
      {"type": "object", "properties": {
      """
          + STREAMS
          + """
      "timed_out": {"type": "boolean"},
      "cancelled": {"type": "boolean", "description": "The call was cancelled; output so far."},
      "duration_ms": {"type": "integer"},
      "process_id": {"type": "string", "description": "Handle of a background process."},
      "running": {"type": "boolean"},
      "images": {"type": "array", "items": {"type": "object", "properties": {
        "path": {"type": "string"}, "mime_type": {"type": "string"},
        "size_bytes": {"type": "integer"}}, "required": ["path", "mime_type", "size_bytes"]}},
      """
          + NOTE
          + """
      }, "required": ["stdout", "stderr", "stdout_truncated", "stderr_truncated"]}""";

  static final String PROCESS_OUTPUT =
      """
      {"type": "object", "properties": {
      "process_id": {"type": "string"},
      "running": {"type": "boolean"},
      """
          + STREAMS
          + NOTE
          + """
      }, "required": ["process_id", "running", "stdout", "stderr", "stdout_truncated",
        "stderr_truncated"]}""";

  static final String READ_FILE =
      """
      {"type": "object", "properties": {
      "path": {"type": "string"},
      "size_bytes": {"type": "integer"},
      "encoding": {"type": "string", "enum": ["text", "base64", "image"]},
      "mime_type": {"type": "string"},
      "content": {"type": "string"},
      "start_line": {"type": "integer"},
      "end_line": {"type": "integer"},
      "total_lines": {"type": "integer"},
      "byte_offset": {"type": "integer"},
      "bytes_read": {"type": "integer"},
      "truncated": {"type": "boolean"},
      "utf8": {"type": "boolean", "description": "false when the text is in another encoding; \
      bytes that do not decode are shown as U+FFFD."},
      """
          + NOTE
          + """
      }, "required": ["path", "size_bytes", "encoding", "truncated"]}""";

  static final String WRITE_FILE =
      """
      {"type": "object", "properties": {
      "path": {"type": "string"},
      "size_bytes": {"type": "integer", "description": "Size of the file after writing."},
      "appended": {"type": "boolean"},
      """
          + NOTE
          + """
      }, "required": ["path", "size_bytes", "appended"]}""";

  static final String EDIT_FILE =
      """
      {"type": "object", "properties": {
      "path": {"type": "string"},
      "replacements": {"type": "integer"},
      "size_bytes": {"type": "integer"},
      """
          + NOTE
          + """
      }, "required": ["path", "replacements", "size_bytes"]}""";

  static final String LIST_FILES =
      """
      {"type": "object", "properties": {
      "path": {"type": "string"},
      "entries": {"type": "array", "items": {"type": "object", "properties": {
        "path": {"type": "string"},
        "type": {"type": "string", "enum": ["file", "directory", "symlink", "other"]},
        "size_bytes": {"type": "integer"}}, "required": ["path", "type"]}},
      "total_entries": {"type": "integer"},
      "truncated": {"type": "boolean"},
      "unreadable": {"type": "array", "items": {"type": "string"}, "description": "Folders the \
      sandbox user may not read, so not listed."},
      """
          + NOTE
          + """
      }, "required": ["path", "entries", "total_entries", "truncated"]}""";

  static final String EXPOSE_PORT =
      """
      {"type": "object", "properties": {
      "port": {"type": "integer"},
      "url": {"type": "string"},
      "expires_at": {"type": "string", "description": "RFC 3339 time the URL stops working."},
      """
          + NOTE
          + """
      }, "required": ["port", "url"]}""";

  static final String UNEXPOSE_PORT =
      """
      {"type": "object", "properties": {
      "port": {"type": "integer"},
      "unexposed": {"type": "boolean"},
      """
          + NOTE
          + """
      }, "required": ["port", "unexposed"]}""";

  static final String SANDBOX_STATUS =
      """
      {"type": "object", "properties": {
      "state": {"type": "string"},
      "time_left_seconds": {"type": "integer"},
      "expires_at": {"type": "string"},
      "cpu_cores": {"type": "integer"},
      "memory_mb": {"type": "integer"},
      "network": {"type": "boolean", "description": "whether the sandbox can reach the network"},
      "background_processes": {"type": "array", "items": {"type": "object", "properties": {
        "process_id": {"type": "string"}, "command": {"type": "string"},
        "running": {"type": "boolean"}}, "required": ["process_id", "command", "running"]}},
      "exposed_ports": {"type": "array", "items": {"type": "object", "properties": {
        "port": {"type": "integer"}, "url": {"type": "string"}}, "required": ["port", "url"]}},
      """
          + NOTE
          + """
      }, "required": ["state"]}""";
}
