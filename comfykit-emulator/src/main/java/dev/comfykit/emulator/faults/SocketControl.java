package dev.comfykit.emulator.faults;

/** What the faults need from the WebSocket layer. */
public interface SocketControl {

    /** Closes every open socket's connection without a close frame. */
    void dropAll();

    /** Drops every socket after this many more sent events; 0 cancels. */
    void dropAfterEvents(int events);
}
