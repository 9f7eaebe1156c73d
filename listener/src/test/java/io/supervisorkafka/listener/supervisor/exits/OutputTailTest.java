package io.supervisorkafka.listener.supervisor.exits;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputTailTest {
    @TempDir
    Path dir;

    private Path file(byte[] content) throws IOException {
        return Files.write(dir.resolve("out.log"), content);
    }

    @Test
    void theLastBytesOfASmallLogAreAllOfIt() throws IOException {
        Path log = file("fatal: database unreachable (run3)\nfatal: database unreachable (run3)\n"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(OutputTail.ofFile(log, 2048))
                .isEqualTo("fatal: database unreachable (run3)\nfatal: database unreachable (run3)\n");
        assertThat(OutputTail.ofFile(file(new byte[0]), 2048)).isEmpty();
    }

    @Test
    void aWindowInsideTheFileDropsItsCutFirstLine() throws IOException {
        Path log = file("Traceback (most recent call last):\n  File \"app.py\", line 1\nImportError: no module named flask\n"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(OutputTail.ofFile(log, 50)).isEqualTo("ImportError: no module named flask\n");
        // A window that starts right after a newline has no cut line.
        assertThat(OutputTail.ofFile(log, "ImportError: no module named flask\n".length()))
                .isEqualTo("ImportError: no module named flask\n");
        // One long line: the cut line is all there is, and kept.
        assertThat(OutputTail.ofFile(file("x".repeat(100).getBytes(StandardCharsets.UTF_8)), 10))
                .isEqualTo("x".repeat(10));
    }

    @Test
    void aWindowThatCutsAUtf8CharacterSkipsItsRest() throws IOException {
        // The output with which supervisord's tailProcessStderrLog answers HTTP 500 for windows of 2, 4 and 6 bytes.
        byte[] output = "déjà vu — erreur fatale: ééé\n".getBytes(StandardCharsets.UTF_8);
        for (int window = 1; window <= output.length; window++) {
            String tail = OutputTail.ofFile(file(output), window);
            assertThat(tail).as("window %d", window).doesNotContain("\uFFFD");
            assertThat("déjà vu — erreur fatale: ééé\n").as("window %d", window).endsWith(tail);
        }
    }

    @Test
    void bytesThatAreNotUtf8BecomeReplacementCharacters() throws IOException {
        byte[] latin1 = "erreur: ".getBytes(StandardCharsets.ISO_8859_1);
        byte[] output = new byte[latin1.length + 3];
        System.arraycopy(latin1, 0, output, 0, latin1.length);
        output[latin1.length] = (byte) 0xE9; // é in ISO-8859-1
        output[latin1.length + 1] = 'e';
        output[latin1.length + 2] = '\n';
        assertThat(OutputTail.ofFile(file(output), 2048)).isEqualTo("erreur: \uFFFDe\n");
    }

    @Test
    void terminalColoursAndControlCharactersAreTakenOut() {
        // What the capture tailStderr-ansi-control-chars holds: ESC colour sequences and a 0x01.
        assertThat(OutputTail.clean("\u001b[31mERROR\u001b[0m colored\u0001\n", false)).isEqualTo("ERROR colored\n");
        assertThat(OutputTail.clean("a\tb\r\nprogress 10%\rprogress 20%\n\u0000\u007f\u009b", false))
                .isEqualTo("a\tb\nprogress 10%\nprogress 20%\n");
        assertThat(OutputTail.clean("\u001b]0;title\u0007text \u001b(Bmore", false)).isEqualTo("text (Bmore");
    }

    @Test
    void aTailThroughXmlRpcHasItsControlPicturesTurnedBack() {
        assertThat(OutputTail.ofXmlRpc("\u241b[31mERROR\u241b[0m colored\u2401\n", false)).isEqualTo("ERROR colored\n");
        assertThat(OutputTail.ofXmlRpc("ed line\nlast line\n", true)).isEqualTo("last line\n");
    }

    @Test
    void aLimitKeepsWholeCharactersFromTheEnd() {
        assertThat(OutputTail.limit("abcdef", 3)).isEqualTo("def");
        assertThat(OutputTail.limit("aé😀", 4)).isEqualTo("😀");
        assertThat(OutputTail.limit("aé😀", 5)).isEqualTo("😀");
        assertThat(OutputTail.limit("aé😀", 6)).isEqualTo("é😀");
        assertThat(OutputTail.limit("aé😀", 0)).isEmpty();
    }
}
