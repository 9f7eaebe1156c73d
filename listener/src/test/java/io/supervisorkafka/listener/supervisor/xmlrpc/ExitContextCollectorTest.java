package io.supervisorkafka.listener.supervisor.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.supervisorkafka.schemas.ProcessExit;
import io.supervisorkafka.schemas.Topics;
import io.supervisorkafka.testkit.SchemaValidator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit context against a stand-in for supervisord 4.2.5 that answers with what the real one answered (test
 * resources: its main log, getProcessInfo after a kill -9, the HTTP 500 of a tail that cut a UTF-8 character, a tail
 * with raw terminal colours in its XML). The real supervisord is in ExitRecordsIntegrationTest.
 */
class ExitContextCollectorTest {
    private static final String KILLED = "processname:sleeper groupname:sleeper from_state:RUNNING expected:0 pid:26969";

    private ServerSocket server;
    private Thread acceptor;
    private final List<String> calls = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
            acceptor.join(5000);
        }
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = ExitContextCollectorTest.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A captured raw HTTP response's body. */
    private static String capturedBody(String name) throws IOException {
        String http = resource("/supervisord-4.2.5-xmlrpc/" + name);
        return http.substring(http.indexOf("\r\n\r\n") + 4);
    }

    private static String xmlEscape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * supervisord 4.2.5's answer to system.multicall([readLog, getProcessInfo]): the two values as they are (not each
     * in a one-element array, as its docstring says).
     */
    private static String multicallAnswer(String log, String processInfoStruct) {
        return "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n"
                + "<value><string>" + xmlEscape(log) + "</string></value>\n" + processInfoStruct + "\n"
                + "</data></array></value>\n</param>\n</params>\n</methodResponse>\n";
    }

    /** Answers each request with {@code answer.apply(its body)}: a whole raw HTTP response. */
    private SupervisorEndpoint serve(Function<String, String> answer) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    String request = readRequestBody(socket.getInputStream());
                    String method = request.substring(request.indexOf("<methodName>") + 12,
                            request.indexOf("</methodName>"));
                    calls.add(method);
                    OutputStream out = socket.getOutputStream();
                    out.write(answer.apply(request).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } catch (IOException e) {
                    // the test closed the server
                }
            }
        }, "stand-in-supervisord");
        acceptor.setDaemon(true);
        acceptor.start();
        return SupervisorEndpoint.parse("http://127.0.0.1:" + server.getLocalPort()).endpoint();
    }

    private static String readRequestBody(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return "";
            }
            head.append((char) b);
        }
        String lower = head.toString().toLowerCase(Locale.ROOT);
        int at = lower.indexOf("content-length:");
        int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).trim());
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static String ok(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\nContent-Length: " + bytes.length + "\r\n\r\n" + body;
    }

    /**
     * supervisord 4.2.5's multicall answer with {@code logfile=syslog}: readLog is Fault 20 NO_FILE inside it, and
     * getProcessInfo of run3, EXITED with status 3.
     */
    private static String noLogButTheStatusOfRun3() {
        try {
            String fault = capturedBody("readLog-syslog--300-0.response.http");
            String info = capturedBody("b-unexpected-getProcessInfo-04-EXITED.response.http");
            return "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n"
                    + struct(fault) + "\n" + struct(info) + "\n</data></array></value>\n</param>\n</params>\n"
                    + "</methodResponse>\n";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String struct(String answer) {
        return answer.substring(answer.indexOf("<value><struct>"), answer.indexOf("</struct></value>") + 17);
    }

    private static SupervisorSourceConfig config(SupervisorEndpoint endpoint, int tailBytes) {
        return new SupervisorSourceConfig(endpoint, null, Duration.ofSeconds(30), Duration.ofSeconds(5),
                Duration.ZERO, true, tailBytes, false);
    }

    private static ExitContextCollector.Notice notice(long serial, String toState, String payload, long observedAt) {
        return new ExitContextCollector.Notice("web-1", "25427-1796067670384", serial, toState,
                payload.getBytes(StandardCharsets.UTF_8), observedAt);
    }

    @Test
    void aKill9IsTheSignalFromTheLogAndTheTailComesThroughXmlRpcPastACutCharacterAndRawControls()
            throws IOException {
        String full = resource("/supervisord-4.2.5-logs/supervisord-full.txt");
        String log = full.substring(0, full.indexOf('\n', full.indexOf("19:42:31,925 WARN exited: sleeper")) + 1);
        // Its stderr log is not readable here (another path than supervisord's): the tail comes through XML-RPC.
        String info = capturedBody("c-getProcessInfo-01-EXITED.response.http");
        String struct = info.substring(info.indexOf("<value><struct>"), info.indexOf("</struct></value>") + 17)
                .replace("/tmp/research/sv/childlogs/", "/nonexistent-dir-of-supervisord/");
        String cutCharacter = resource("/supervisord-4.2.5-xmlrpc/tailStderr-utf8-len4.response.http");
        String colours = resource("/supervisord-4.2.5-xmlrpc/tailStderr-ansi-control-chars.response.http");
        List<String> tailLengths = new ArrayList<>();
        SupervisorEndpoint endpoint = serve(request -> {
            if (request.contains("system.multicall")) {
                return ok(multicallAnswer(log, struct));
            }
            java.util.regex.Matcher ints = java.util.regex.Pattern.compile("<(?:i4|int)>(\\d+)</").matcher(request);
            String length = null;
            while (ints.find()) {
                length = ints.group(1);
            }
            tailLengths.add(length);
            return tailLengths.size() == 1 ? cutCharacter : colours;
        });
        List<ProcessExit> published = new ArrayList<>();
        ExitContextCollector collector = new ExitContextCollector(config(endpoint, 2048), published::add,
                Clock.systemUTC());

        collector.publish(List.of(notice(31, "EXITED", KILLED, 1796067752000L)));

        assertThat(calls).containsExactly("system.multicall", "supervisor.tailProcessStderrLog",
                "supervisor.tailProcessStderrLog");
        assertThat(tailLengths).containsExactly("2048", "2049");
        assertThat(published).singleElement().satisfies(exit -> {
            SchemaValidator.assertValid(Topics.PROCESS_EXITS, exit);
            assertThat(exit.error()).isNull();
            assertThat(exit.group()).isEqualTo("sleeper");
            assertThat(exit.fromState()).isEqualTo("RUNNING");
            assertThat(exit.toState()).isEqualTo("EXITED");
            assertThat(exit.signal()).isEqualTo("SIGKILL");
            assertThat(exit.exitStatus()).isNull();
            assertThat(exit.expected()).isFalse();
            assertThat(exit.pid()).isEqualTo(26969);
            assertThat(exit.runSeconds()).isEqualTo(1.576); // spawned 19:42:30,349, exited 19:42:31,925
            assertThat(exit.outputTail()).isEqualTo("ERROR colored\n");
            assertThat(exit.outputStream()).isEqualTo("stderr");
            assertThat(exit.eventId()).isEqualTo("web-1/25427-1796067670384/31");
        });
        assertThat(collector.succeeded()).isEqualTo(1);
        assertThat(collector.failed()).isZero();
    }

    /** supervisord's main log as the listener finds it on disk: 20 KB of other lines, then {@code log}. */
    private static Path mainLogFile(Path dir, String log) throws IOException {
        String other = "2026-11-19 19:40:00,000 INFO something else supervisord said\n";
        return Files.writeString(dir.resolve("supervisord.log"), other.repeat(20_000 / other.length()) + log);
    }

    @Test
    void anExitTheFilesExplainIsDescribedFromThemWithoutAskingSupervisord(@TempDir Path dir) throws IOException {
        String full = resource("/supervisord-4.2.5-logs/supervisord-full.txt");
        Path mainLog = mainLogFile(dir, full.substring(0,
                full.indexOf('\n', full.indexOf("19:42:31,925 WARN exited: sleeper")) + 1));
        Path stderr = Files.writeString(dir.resolve("sleeper-stderr.log"), "starting\nTraceback: it broke\n");
        SupervisorEndpoint endpoint = serve(request -> ok(multicallAnswer("", "")));
        List<ProcessExit> published = new ArrayList<>();
        ExitContextCollector collector = new ExitContextCollector(config(endpoint, 2048), published::add,
                Clock.systemUTC(), mainLog);
        // What a snapshot's getAllProcessInfo said of it: where its output goes.
        collector.knownProcesses(new Object[] {Map.of("group", "sleeper", "name", "sleeper",
                "stderr_logfile", stderr.toString(), "stdout_logfile", "")});

        collector.publish(List.of(notice(31, "EXITED", KILLED, 1796067752000L)));

        assertThat(calls).as("no call to supervisord").isEmpty();
        assertThat(published).singleElement().satisfies(exit -> {
            SchemaValidator.assertValid(Topics.PROCESS_EXITS, exit);
            assertThat(exit.error()).isNull();
            assertThat(exit.signal()).isEqualTo("SIGKILL");
            assertThat(exit.exitStatus()).isNull();
            assertThat(exit.expected()).isFalse();
            assertThat(exit.pid()).isEqualTo(26969);
            assertThat(exit.runSeconds()).isEqualTo(1.576); // spawned 19:42:30,349, exited 19:42:31,925
            assertThat(exit.outputTail()).isEqualTo("starting\nTraceback: it broke\n");
            assertThat(exit.outputStream()).isEqualTo("stderr");
        });
        assertThat(collector.succeeded()).isEqualTo(1);
    }

    @Test
    void anExitTheFilesDoNotExplainGoesThroughXmlRpcAfterThoseThatTheyDo(@TempDir Path dir) throws IOException {
        String full = resource("/supervisord-4.2.5-logs/supervisord-full.txt");
        Path mainLog = mainLogFile(dir, full.substring(0,
                full.indexOf('\n', full.indexOf("19:42:31,925 WARN exited: sleeper")) + 1));
        SupervisorEndpoint endpoint = serve(request -> ok(noLogButTheStatusOfRun3()));
        List<ProcessExit> published = new ArrayList<>();
        ExitContextCollector collector = new ExitContextCollector(config(endpoint, 0), published::add,
                Clock.systemUTC(), mainLog);

        collector.publish(List.of(notice(31, "EXITED", KILLED, 1796067752000L),
                notice(32, "EXITED", "processname:run3 groupname:run3 from_state:RUNNING expected:0 pid:99999",
                        1796067752100L)));

        assertThat(calls).as("only for the exit whose line the log on disk does not have")
                .containsExactly("system.multicall");
        assertThat(published).extracting(ProcessExit::name).containsExactly("sleeper", "run3");
        assertThat(published.get(0).signal()).isEqualTo("SIGKILL");
        assertThat(published.get(0).error()).isNull();
        assertThat(published.get(1).exitStatus()).as("from getProcessInfo").isEqualTo(3);
        assertThat(published.get(1).error()).isEqualTo("supervisor.readLog: NO_FILE: syslog (fault 20)");
    }

    @Test
    void aBurstOfExitsIsOneMulticallAndEachFindsItsRunInTheLog() throws IOException {
        String full = resource("/supervisord-4.2.5-logs/supervisord-full.txt");
        String log = full.substring(0, full.indexOf('\n', full.indexOf("19:41:33,692 INFO gave up: quick3")) + 1);
        String backoff = """
                <value><struct>
                <member><name>name</name><value><string>quick3</string></value></member>
                <member><name>group</name><value><string>quick3</string></value></member>
                <member><name>statename</name><value><string>FATAL</string></value></member>
                <member><name>exitstatus</name><value><int>0</int></value></member>
                <member><name>spawnerr</name><value><string>Exited too quickly (process log may have details)</string></value></member>
                <member><name>stdout_logfile</name><value><string></string></value></member>
                <member><name>stderr_logfile</name><value><string></string></value></member>
                <member><name>pid</name><value><int>0</int></value></member>
                </struct></value>""";
        SupervisorEndpoint endpoint = serve(request -> ok(multicallAnswer(log, backoff)));
        List<ProcessExit> published = new ArrayList<>();
        ExitContextCollector collector = new ExitContextCollector(config(endpoint, 2048), published::add,
                Clock.systemUTC());

        collector.publish(List.of(
                notice(9, "STARTING", "processname:quick3 groupname:quick3 from_state:BACKOFF tries:3", 1000),
                notice(10, "BACKOFF", "processname:quick3 groupname:quick3 from_state:STARTING tries:4", 1250),
                notice(11, "FATAL", "processname:quick3 groupname:quick3 from_state:BACKOFF", 1260)));

        assertThat(calls).as("both exits of the burst in one call").containsExactly("system.multicall");
        assertThat(published).hasSize(2).allSatisfy(exit -> {
            SchemaValidator.assertValid(Topics.PROCESS_EXITS, exit);
            assertThat(exit.exitStatus()).isEqualTo(3);
            assertThat(exit.signal()).isNull();
            assertThat(exit.expected()).isFalse();
            assertThat(exit.pid()).isEqualTo(25931);
            assertThat(exit.outputTail()).isNull();
            assertThat(exit.error()).isNull();
        });
        assertThat(published).extracting(ProcessExit::toState).containsExactly("BACKOFF", "FATAL");
        assertThat(published.get(0).runSeconds()).isEqualTo(0.133);
        assertThat(published.get(1).fromState()).isEqualTo("BACKOFF");
    }

    @Test
    void aLogSupervisordCannotServeLeavesTheStatusToGetProcessInfoWhileTheProcessStaysExited() throws IOException {
        SupervisorEndpoint endpoint = serve(request -> ok(noLogButTheStatusOfRun3()));
        List<ProcessExit> published = new ArrayList<>();
        ExitContextCollector collector = new ExitContextCollector(config(endpoint, 0), published::add,
                Clock.systemUTC());

        collector.publish(List.of(notice(15, "EXITED",
                "processname:run3 groupname:run3 from_state:RUNNING expected:0 pid:26210", 1796067708300L)));

        assertThat(published).singleElement().satisfies(exit -> {
            SchemaValidator.assertValid(Topics.PROCESS_EXITS, exit);
            assertThat(exit.exitStatus()).isEqualTo(3);
            assertThat(exit.error()).isEqualTo("supervisor.readLog: NO_FILE: syslog (fault 20)");
            assertThat(exit.outputTail()).as("tails off").isNull();
        });
        assertThat(collector.failed()).isEqualTo(1);
    }

    @Test
    void withoutSupervisordTheRecordHasWhatTheEventSaysAndItsError() {
        SupervisorEndpoint nobody = SupervisorEndpoint.parse("unix:///nonexistent/supervisor.sock").endpoint();
        List<ProcessExit> published = new ArrayList<>();
        ExitContextCollector collector = new ExitContextCollector(config(nobody, 2048), published::add,
                Clock.systemUTC());

        collector.publish(List.of(
                notice(1, "STARTING", "processname:sleeper groupname:sleeper from_state:STOPPED tries:0", 5000),
                notice(2, "EXITED", KILLED, 7500)));

        assertThat(published).singleElement().satisfies(exit -> {
            SchemaValidator.assertValid(Topics.PROCESS_EXITS, exit);
            assertThat(exit.error()).contains("system.multicall").contains("/nonexistent/supervisor.sock");
            assertThat(exit.pid()).isEqualTo(26969);
            assertThat(exit.expected()).isFalse();
            assertThat(exit.runSeconds()).as("from the STARTING and EXITED events").isEqualTo(2.5);
            assertThat(exit.exitStatus()).isNull();
        });
        assertThat(collector.failed()).isEqualTo(1);
    }

    @Test
    void aFullQueueDropsExitsAndCountsThemWithoutWaiting() {
        ExitContextCollector collector = new ExitContextCollector(config(null, 0), exit -> { }, Clock.systemUTC());
        int offered = ExitContextCollector.QUEUE_CAPACITY + 44;
        for (int i = 0; i < offered; i++) {
            collector.offer("web-1", "1-1", i, "EXITED", KILLED.getBytes(StandardCharsets.UTF_8), i);
        }
        collector.offer("web-1", "1-1", offered, "STARTING", new byte[0], offered);
        assertThat(collector.dropped()).isEqualTo(44);
        assertThat(ExitContextCollector.stateOf("PROCESS_STATE_STOPPED")).isEqualTo("STOPPED");
        assertThat(ExitContextCollector.stateOf("PROCESS_STATE_RUNNING")).isNull();
        assertThat(ExitContextCollector.stateOf("PROCESS_LOG_STDERR")).isNull();
    }
}
