package io.supervisorkafka.listener.supervisor.exits;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;

/**
 * The last bytes a process wrote, made fit for a record: read from its log file (supervisord's {@code stdout_logfile}
 * or {@code stderr_logfile}) or taken from supervisord's {@code tailProcess*Log}, decoded leniently, with terminal
 * escape sequences and control characters taken out.
 *
 * <p>Why leniently: a process writes bytes, not text. The window may begin inside a multi-byte UTF-8 character, and
 * the output may not be UTF-8 at all; supervisord's own {@code tailProcessStderrLog} answers HTTP 500 then, and sends
 * control characters such as ESC raw inside its XML, which no XML parser accepts. Read from the file, none of that
 * matters.
 */
public final class OutputTail {
    /** ANSI/VT100 sequences: CSI ({@code ESC [ ... final}), OSC ({@code ESC ] ... BEL or ESC \}), two-byte ones. */
    private static final Pattern TERMINAL_SEQUENCES = Pattern.compile(
            "\u001B\\[[0-?]*[ -/]*[@-~]|\u001B\\][^\u0007\u001B]*(\u0007|\u001B\\\\)?|\u001B[@-Z\\\\-_]");
    /** C0 controls but tab and newline, DEL, and C1 controls. */
    private static final Pattern CONTROLS = Pattern.compile("[\\x00-\\x08\\x0B-\\x1F\\x7F-\\x9F]");

    private OutputTail() {
    }

    /**
     * The last {@code maxBytes} bytes of a file, cleaned ({@link #clean}); empty when the file is empty. A window that
     * begins inside the file drops its first, partial line (unless that is all it has).
     */
    public static String ofFile(Path path, int maxBytes) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            long from = Math.max(0, size - maxBytes);
            ByteBuffer bytes = read(channel, from, size);
            boolean cutAtStart = from > 0 && !endsWithNewlineBefore(channel, from);
            return clean(decode(bytes), cutAtStart);
        }
    }

    /** The bytes from {@code from} to {@code size}, flipped; fewer when the file is truncated under us (rotated). */
    static ByteBuffer read(FileChannel channel, long from, long size) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate((int) (size - from));
        while (bytes.hasRemaining()) {
            if (channel.read(bytes, from + bytes.position()) < 0) {
                break; // what was read is the tail
            }
        }
        return bytes.flip();
    }

    private static boolean endsWithNewlineBefore(FileChannel channel, long position) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        return channel.read(one, position - 1) == 1 && one.get(0) == '\n';
    }

    /**
     * Bytes as UTF-8, whatever they hold: continuation bytes at the start (a character cut by the window) are
     * skipped, anything else that is not UTF-8 becomes U+FFFD.
     */
    static String decode(ByteBuffer bytes) {
        int skipped = 0;
        while (skipped < 3 && bytes.hasRemaining() && (bytes.get(bytes.position()) & 0xC0) == 0x80) {
            bytes.get();
            skipped++;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            CharBuffer chars = decoder.decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder does not throw", e);
        }
    }

    /**
     * Output text fit for a record: terminal escape sequences removed, carriage returns turned into newlines (a
     * progress line redrawn in place reads as lines), other control characters removed; with {@code cutAtStart} the
     * first line, cut by the window, is dropped when a later one follows.
     */
    public static String clean(String text, boolean cutAtStart) {
        String cleaned = TERMINAL_SEQUENCES.matcher(text).replaceAll("");
        cleaned = cleaned.replace("\r\n", "\n").replace('\r', '\n');
        cleaned = CONTROLS.matcher(cleaned).replaceAll("");
        if (cutAtStart) {
            int newline = cleaned.indexOf('\n');
            if (newline >= 0 && newline < cleaned.length() - 1) {
                cleaned = cleaned.substring(newline + 1);
            }
        }
        return cleaned;
    }

    /** The end of {@code text} that fits {@code maxBytes} bytes of UTF-8 (whole characters). */
    public static String limit(String text, int maxBytes) {
        int bytes = 0;
        int i = text.length();
        while (i > 0) {
            int codePoint = text.codePointBefore(i);
            int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            i -= Character.charCount(codePoint);
        }
        return text.substring(i);
    }

    /**
     * A tail as supervisord's XML-RPC returned it, after the listener's transport made the XML well-formed by turning
     * each control byte into its Unicode control picture (U+2400 + byte): back to the control characters, then
     * {@link #clean}ed.
     *
     * @param overflow supervisord's {@code overflow} flag: the log holds more than the window, so it begins mid-line
     */
    public static String ofXmlRpc(String text, boolean overflow) {
        StringBuilder controls = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            controls.append(c >= '\u2400' && c <= '\u241F' ? (char) (c - '\u2400') : c);
        }
        return clean(controls.toString(), overflow);
    }
}
