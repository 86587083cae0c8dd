package dev.comfykit.client.internal.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the ComfyKit DSL markers in a node title.
 * <p>
 * A title is split on commas; each trimmed part that starts with {@code $} is a marker, the other parts are
 * display text. A marker is {@code $[~]name[.[~]field][!][:description]}; the description is ignored.
 */
public final class TitleParser {

    private static final Pattern MARKER = Pattern.compile(
            "\\$(~?)([A-Za-z_][A-Za-z0-9_]*)(?:\\.(~?)([A-Za-z0-9_][A-Za-z0-9_\\-]*))?(!?)(?::.*)?",
            Pattern.DOTALL);

    private TitleParser() {
    }

    /**
     * The markers of a title, in order; empty for a title without markers or a {@code null} title.
     *
     * @throws IllegalArgumentException when a part starts with {@code $} but is not a valid marker, with a message
     *                                  that shows the grammar
     */
    public static List<TitleMarker> parse(String title) {
        List<TitleMarker> markers = new ArrayList<>();
        if (title == null || title.indexOf('$') < 0) {
            return markers;
        }
        for (String rawPart : title.split(",")) {
            String part = rawPart.trim();
            if (!part.startsWith("$")) {
                continue;
            }
            Matcher m = MARKER.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException("invalid marker '" + part
                        + "': expected $[~]name[.[~]field][!][:description], e.g. $prompt.text! or $~image");
            }
            boolean media = !m.group(1).isEmpty() || (m.group(3) != null && !m.group(3).isEmpty());
            markers.add(new TitleMarker(m.group(2), m.group(4), media, !m.group(5).isEmpty(), part));
        }
        return markers;
    }
}
