package dev.sluice;

import dev.sluice.notify.LogNotifier;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.Severity;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.NotifierContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link LogNotifier} against its real peer, the logging backend (logback in these tests). */
class LogNotifierTest extends NotifierContract {
    private CapturedOutput output;

    @BeforeEach
    void capture() {
        output = new CapturedOutput();
    }

    @AfterEach
    void release() {
        output.close();
    }

    @Override
    protected Notifier newNotifier() {
        return new LogNotifier("sluice.test.notifications");
    }

    /** One record per call; a record runs until the next line that starts a record. */
    @Override
    protected List<String> delivered() {
        List<String> records = new ArrayList<>();
        StringBuilder current = null;
        for (String line : output.text().split("\n", -1)) {
            if (line.contains("[") && line.contains("sluice.test.notifications - ")) {
                if (current != null) {
                    records.add(current.toString());
                }
                current = new StringBuilder(line.substring(line.indexOf(" - ") + 3));
            } else if (current != null) {
                if (line.matches("^\\[.*\\] (INFO|WARN|ERROR|DEBUG|TRACE) .*")) {
                    records.add(current.toString());
                    current = null;
                } else {
                    current.append('\n').append(line);
                }
            }
        }
        if (current != null) {
            records.add(current.toString());
        }
        return records;
    }

    @Test
    void logsAtALevelMatchingTheSeverity() {
        new LogNotifier("sluice.test.notifications").send(Notification.of("level-check", "b", Severity.CRITICAL));
        assertThat(output.text()).containsPattern("ERROR sluice\\.test\\.notifications - level-check");
        new LogNotifier("sluice.test.notifications").send(Notification.of("level-warn", "b", Severity.WARNING));
        assertThat(output.text()).containsPattern("WARN sluice\\.test\\.notifications - level-warn");
    }

    @Test
    void isABlockWithADefaultLogger() {
        assertThat(new LogNotifier().logger()).isEqualTo(LogNotifier.DEFAULT_LOGGER);
        new LogNotifier().send(Notification.of("default-logger-check", "b", Severity.INFO));
        assertThat(output.text()).contains("INFO sluice.notifications - default-logger-check");
        assertThat(new LogNotifier().blockType()).isEqualTo("log-notifier");
    }
}
