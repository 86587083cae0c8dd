package dev.comfykit.client.internal.dsl;

import java.util.Objects;

/**
 * One {@code $...} marker of a node title: {@code $[~]name[.[~]field][!][:description]}.
 * <p>
 * The marker {@code $output.var} is special: it names an output variable instead of a param.
 */
public final class TitleMarker {

    /** The param name reserved for output markers ({@code $output.var}). */
    public static final String OUTPUT = "output";

    private final String name;
    private final String field;
    private final boolean media;
    private final boolean required;
    private final String text;

    TitleMarker(String name, String field, boolean media, boolean required, String text) {
        this.name = Objects.requireNonNull(name);
        this.field = field;
        this.media = media;
        this.required = required;
        this.text = text;
    }

    /** The param name (or {@code output} for an output marker). */
    public String name() {
        return name;
    }

    /** The input field the param sets: the explicit field, or the name when none is given. */
    public String field() {
        return field == null ? name : field;
    }

    /** Whether the marker named a field explicitly ({@code $name.field}). */
    public boolean hasExplicitField() {
        return field != null;
    }

    /** Whether the value must be uploaded first ({@code ~} before the name or the field). */
    public boolean media() {
        return media;
    }

    /** Whether the caller must pass the param ({@code !}). */
    public boolean required() {
        return required;
    }

    /** Whether this is an output marker ({@code $output.var}). */
    public boolean isOutput() {
        return OUTPUT.equals(name);
    }

    /** The marker as written in the title. */
    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TitleMarker)) {
            return false;
        }
        TitleMarker that = (TitleMarker) o;
        return media == that.media && required == that.required && name.equals(that.name)
                && Objects.equals(field, that.field);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, field, media, required);
    }

    @Override
    public String toString() {
        return text;
    }
}
