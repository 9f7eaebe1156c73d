package io.supervisorkafka.listener.gunicorn;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.GunicornSnapshot;
import io.supervisorkafka.testkit.SchemaValidator;
import io.supervisorkafka.schemas.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A /proc tree laid out as gunicorn 20.1 with setproctitle shows it (cmdline NUL-padded, stat lines as captured). */
class GunicornScanTest {
    @TempDir
    Path proc;

    void process(long pid, long ppid, String cmdline, long utime, long stime) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        // setproctitle leaves the title NUL-terminated in the old argv area.
        Files.write(dir.resolve("cmdline"), (cmdline + "\0\0\0").getBytes(StandardCharsets.UTF_8));
        String comm = cmdline.length() > 15 ? cmdline.substring(0, 15) : cmdline;
        Files.writeString(dir.resolve("stat"), pid + " (" + comm + ") S " + ppid + " " + pid + " " + pid
                + " 0 -1 4194560 1542 0 0 0 " + utime + " " + stime + " 0 0 20 0 1 0 12345 23000000 5000 "
                + "18446744073709551615 1 1 0 0 0 0 0 16781312 134234627 0 0 0 17 1 0 0 0 0 0\n");
    }

    @Test
    void findsMastersAndWorkersAndTellsWorkingFromIdle() throws IOException {
        process(1, 0, "/sbin/init", 5, 5);
        process(100, 1, "/usr/bin/python3 /usr/bin/supervisord -n", 50, 10);
        process(200, 100, "gunicorn: master [demo]", 30, 3);
        process(201, 200, "gunicorn: worker [demo]", 10, 1);
        process(202, 200, "gunicorn: worker [demo]", 20, 2);
        process(203, 1, "gunicorn: worker [demo]", 20, 2); // an orphan: not the master's
        process(300, 1, "gunicorn: master [other app]", 1, 1);
        process(301, 300, "gunicorn: worker [other app]", 1, 1);
        Files.createDirectories(proc.resolve("self"));
        ProcTable table = new ProcTable(proc);
        GunicornScan before = GunicornScan.of(table);
        process(201, 200, "gunicorn: worker [demo]", 14, 1); // used CPU in the window
        process(204, 200, "gunicorn: worker [demo]", 0, 0);  // spawned in the window
        GunicornScan after = GunicornScan.of(table);

        GunicornSnapshot all = GunicornScan.snapshot("web-1", 5000, 500, before, after, List.of(),
                Map.of(200L, new GunicornScan.Program("web", "demo")));
        SchemaValidator.assertValid(Topics.GUNICORN, all);
        assertThat(all.apps()).extracting(GunicornSnapshot.App::app).containsExactly("demo", "other app");
        GunicornSnapshot.App demo = all.apps().get(0);
        assertThat(demo.masterPid()).isEqualTo(200L);
        assertThat(demo.group()).isEqualTo("web");
        assertThat(demo.program()).isEqualTo("demo");
        assertThat(demo.configured()).isFalse();
        assertThat(demo.workers()).containsExactly(new GunicornSnapshot.Worker(201, GunicornSnapshot.WORKING),
                new GunicornSnapshot.Worker(202, GunicornSnapshot.IDLE),
                new GunicornSnapshot.Worker(204, GunicornSnapshot.IDLE));
        assertThat(all.apps().get(1).group()).isNull();

        GunicornSnapshot configured = GunicornScan.snapshot("web-1", 5000, 500, before, after,
                List.of("demo", "api"), Map.of());
        SchemaValidator.assertValid(Topics.GUNICORN, configured);
        assertThat(configured.apps()).extracting(GunicornSnapshot.App::app).containsExactly("demo", "api");
        assertThat(configured.apps().get(1)).isEqualTo(new GunicornSnapshot.App("api", true, null, null, null,
                List.of()));
        assertThat(configured.apps().get(0).configured()).isTrue();
    }

    @Test
    void statLinesWithSpacesAndParenthesesInTheCommand() {
        assertThat(ProcTable.parseStat("42 (a) b (c) R 7 42 42 0 -1 0 0 0 0 0 11 22 0 0 20 0 1 0 1 1 1"))
                .containsExactly(7, 33);
        assertThat(ProcTable.parseStat("garbage")).isNull();
        assertThat(GunicornScan.bracketed("gunicorn: master [x]", GunicornScan.MASTER_PREFIX)).isEqualTo("x");
        assertThat(GunicornScan.bracketed("gunicorn: master []", GunicornScan.MASTER_PREFIX)).isNull();
        assertThat(GunicornScan.bracketed("gunicorn: master [x", GunicornScan.MASTER_PREFIX)).isNull();
    }
}
