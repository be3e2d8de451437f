package dev.sluice.scheduler;

import java.util.List;

/**
 * No deployment of that name is registered in the database; the message lists those that are.
 */
public final class DeploymentNotFoundException extends SchedulerException {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final List<String> known;

    /** For deployment {@code name}, when {@code known} are registered. */
    public DeploymentNotFoundException(String name, List<String> known) {
        super("deployment '" + name + "' not found; registered deployments: " + (known.isEmpty() ? "none"
                : known.size() <= 50 ? known.toString()
                : known.subList(0, 50) + " and " + (known.size() - 50) + " more"));
        this.name = name;
        this.known = List.copyOf(known);
    }

    /** The name asked for. */
    public String name() {
        return name;
    }

    /** The names registered when it was asked for. */
    public List<String> known() {
        return known;
    }
}
