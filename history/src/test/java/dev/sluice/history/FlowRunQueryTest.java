package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Conditions of a flow run query that cannot hold together are refused, not silently dropped. */
class FlowRunQueryTest {
    @Test
    void topLevelAndTheSubflowsOfARunExcludeEachOther() {
        assertThatThrownBy(() -> FlowRunQuery.all().withParent("run-1").topLevel())
                .isInstanceOf(IllegalStateException.class).hasMessageContainingAll("run-1", "never top-level");
        assertThatThrownBy(() -> FlowRunQuery.all().topLevel().withParent("run-1"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("never top-level");
        assertThat(FlowRunQuery.all().withParent("run-1").parentFlowRunId()).contains("run-1");
        assertThat(FlowRunQuery.all().topLevel().topLevelOnly()).isTrue();
    }

    @Test
    void aPatternEndingInALoneEscapeIsRefused() {
        assertThatThrownBy(() -> FlowRunQuery.all().nameLike("report\\"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("nameLike", "escape", "report\\");
        assertThatThrownBy(() -> TaskRunQuery.all().nameLike("%\\"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("escape");
        assertThat(FlowRunQuery.all().nameLike("back\\\\").nameLike()).contains("back\\\\");
    }
}
