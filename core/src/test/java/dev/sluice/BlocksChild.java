package dev.sluice;

import dev.sluice.block.Block;
import dev.sluice.block.BlockExistsException;
import dev.sluice.block.BlockId;
import dev.sluice.block.BlockType;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A separate program for {@code BlocksAcrossProcessesTest}: uses the default block store (home from
 * {@code -Dsluice.home}) and prints what happened. Modes:
 * {@code save PREFIX COUNT} saves COUNT blocks with secrets (overwriting);
 * {@code once NAME} saves one block without overwriting and prints SAVED or EXISTS;
 * {@code loop NAME} saves NAME over and over until killed;
 * {@code read STOPFILE} loads every block until STOPFILE exists, printing each error.
 */
final class BlocksChild {
    /** A block with secrets in several places. */
    @BlockType("child-credentials")
    record ChildCredentials(String user, Secret password, List<Secret> tokens, Map<String, Secret> headers, String note)
            implements Block {
    }

    private BlocksChild() {
    }

    static ChildCredentials block(String name, int size) {
        return new ChildCredentials("user-" + name, Secret.of("fake-password-" + name),
                List.of(Secret.of("fake-token-a-" + name), Secret.of("fake-token-b-" + name)),
                Map.of("Authorization", Secret.of("fake-bearer-" + name)), "x".repeat(size));
    }

    public static void main(String[] args) throws Exception {
        Blocks.registerType(ChildCredentials.class);
        switch (args[0]) {
            case "save" -> {
                int count = Integer.parseInt(args[2]);
                for (int i = 0; i < count; i++) {
                    String name = args[1] + "-" + i;
                    Blocks.save(name, block(name, 10), true);
                    ChildCredentials back = Blocks.load(ChildCredentials.class, name);
                    if (!back.password().equals(Secret.of("fake-password-" + name))) {
                        System.out.println("ERROR=wrong value read back for " + name);
                    }
                }
                System.out.println("DONE=" + count);
            }
            case "once" -> {
                try {
                    Blocks.save(args[1], block("once-" + ProcessHandle.current().pid(), 10));
                    System.out.println("RESULT=SAVED");
                } catch (BlockExistsException e) {
                    System.out.println("RESULT=EXISTS");
                }
            }
            case "loop" -> {
                for (int i = 0; ; i++) {
                    Blocks.save(args[1], block(args[1] + "-" + i, 200_000), true);
                    if (i == 0) {
                        System.out.println("SAVING");
                        System.out.flush();
                    }
                }
            }
            case "read" -> {
                Path stop = Path.of(args[1]);
                int loads = 0;
                int errors = 0;
                while (!Files.exists(stop)) {
                    for (BlockId id : Blocks.list()) {
                        try {
                            Blocks.load(ChildCredentials.class, id.name()).password().reveal();
                            loads++;
                        } catch (RuntimeException e) {
                            errors++;
                            System.out.println("ERROR=" + e);
                        }
                    }
                    if (loads == Blocks.list().size()) {
                        System.out.println("READING");
                        System.out.flush();
                    }
                }
                System.out.println("LOADS=" + loads);
                System.out.println("ERRORS=" + errors);
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.exit(0);
    }
}
