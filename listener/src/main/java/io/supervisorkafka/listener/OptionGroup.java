package io.supervisorkafka.listener;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The options one part of the listener owns (a source, the spool, the listener itself), declared where that part's
 * configuration is: {@code static final ListenerOption X = OPTIONS.add(ListenerOption.key(...)...)}, so that declaring
 * an option is what lists it. {@link ConfigLoader#OPTIONS} gathers the groups.
 */
public final class OptionGroup {
    private final String title;
    private final String about;
    private final List<ListenerOption> options = new ArrayList<>();

    /**
     * @param title the heading of the group in {@code --help} and the options reference
     * @param about a sentence for the options reference (Markdown), or null
     */
    public OptionGroup(String title, String about) {
        this.title = Objects.requireNonNull(title, "title");
        this.about = about;
    }

    /** Adds the option to the group (declaration order is the order of the help and the reference); returns it. */
    public ListenerOption add(ListenerOption option) {
        options.add(Objects.requireNonNull(option, "option"));
        return option;
    }

    public String title() {
        return title;
    }

    public String about() {
        return about;
    }

    public List<ListenerOption> options() {
        return Collections.unmodifiableList(options);
    }
}
