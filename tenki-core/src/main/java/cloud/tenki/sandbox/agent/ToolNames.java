package cloud.tenki.sandbox.agent;

/** The names of the catalog's tools, as models see them. */
public final class ToolNames {

  private ToolNames() {}

  public static final String RUN_CODE = "run_code";
  public static final String RUN_COMMAND = "run_command";
  public static final String READ_PROCESS_OUTPUT = "read_process_output";
  public static final String STOP_PROCESS = "stop_process";
  public static final String READ_FILE = "read_file";
  public static final String WRITE_FILE = "write_file";
  public static final String EDIT_FILE = "edit_file";
  public static final String LIST_FILES = "list_files";
  public static final String EXPOSE_PORT = "expose_port";
  public static final String UNEXPOSE_PORT = "unexpose_port";
  public static final String SANDBOX_STATUS = "sandbox_status";
  public static final String EXTEND_SANDBOX = "extend_sandbox";
  public static final String RESTART_SANDBOX = "restart_sandbox";
  public static final String RESET_SANDBOX = "reset_sandbox";
}
