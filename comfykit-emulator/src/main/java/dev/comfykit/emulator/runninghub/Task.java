package dev.comfykit.emulator.runninghub;

/**
 * One RunningHub task: its id (a 19-digit snowflake, distinct from the ComfyUI prompt id that runs it), its account,
 * and how it ended. {@link #outcome} and {@link #cancelRequested} are written only under the queue's lock, so they
 * change atomically with the prompt's place in the queue.
 */
final class Task {

    private final String taskId;
    private final String promptId;
    private final String clientId;
    private final Account account;
    volatile boolean cancelRequested;
    volatile Outcome outcome;
    /** The URL RunningHub calls when the task ends (the create body's {@code webhookUrl}), or null. */
    volatile String webhookUrl;
    /** Whether a v2 run endpoint created the task: its webhook then has the v2 shape. */
    volatile boolean v2;

    Task(String taskId, String promptId, String clientId, Account account) {
        this.taskId = taskId;
        this.promptId = promptId;
        this.clientId = clientId;
        this.account = account;
    }

    String taskId() {
        return taskId;
    }

    String promptId() {
        return promptId;
    }

    String clientId() {
        return clientId;
    }

    Account account() {
        return account;
    }
}
