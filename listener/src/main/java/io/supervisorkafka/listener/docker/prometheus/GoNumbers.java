package io.supervisorkafka.listener.docker.prometheus;

/**
 * Numbers read as the Prometheus reference parser (expfmt) reads sample values, {@code le} and {@code quantile} labels
 * and timestamps: Go's {@code strconv}, with expfmt's refusal of {@code p}, {@code P} and {@code _} in floats, so
 * decimal floats only (no hexadecimal ones, no underscores between digits). Java's own parsers differ both ways: they
 * accept a trailing {@code d} or {@code f}, surrounding whitespace, non-ASCII digits and hexadecimal floats, and refuse
 * {@code inf}, {@code infinity} and {@code nan} in any case, which Go accepts.
 */
final class GoNumbers {
    /** Up to this many digits the mantissa is an exact double (10^15 < 2^53). */
    private static final int EXACT_DIGITS = 15;
    private static final double[] POWERS_OF_TEN = new double[23];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private GoNumbers() {
    }

    /**
     * expfmt's {@code parseFloat}: {@code strconv.ParseFloat(text[start:end], 64)} of a decimal float (any {@code p},
     * {@code P} or {@code _} is refused first), {@code Inf}, {@code Infinity} (signed or not) and {@code NaN} in any
     * case.
     *
     * @throws NumberFormatException where Go returns an error: bad syntax, or a finite number too large for a double
     */
    static double parseFloat(String text, int start, int end) {
        if (end <= start) {
            throw new NumberFormatException("empty");
        }
        // Fast path, exact by construction (Clinger): at most 15 digits scaled by at most 10^22 is one correctly
        // rounded IEEE operation on exact operands. This is what exporters write (0, 1, 0.000102342, 2.5e+10).
        int i = start;
        boolean negative = false;
        char first = text.charAt(i);
        if (first == '+' || first == '-') {
            negative = first == '-';
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int fractionDigits = 0;
        boolean dot = false;
        for (; i < end; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (digits == EXACT_DIGITS) {
                    return parseGeneral(text, start, end);
                }
                mantissa = mantissa * 10 + (c - '0');
                digits++;
                if (dot) {
                    fractionDigits++;
                }
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                break;
            }
        }
        if (digits == 0) {
            return parseGeneral(text, start, end);
        }
        int exponent = 0;
        if (i < end) {
            if ((text.charAt(i) | 0x20) != 'e' || i + 1 == end) {
                return parseGeneral(text, start, end);
            }
            i++;
            boolean negativeExponent = false;
            char sign = text.charAt(i);
            if (sign == '+' || sign == '-') {
                negativeExponent = sign == '-';
                i++;
            }
            int exponentDigits = 0;
            for (; i < end; i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9' || exponentDigits == 4) {
                    return parseGeneral(text, start, end);
                }
                exponent = exponent * 10 + (c - '0');
                exponentDigits++;
            }
            if (exponentDigits == 0) {
                return parseGeneral(text, start, end);
            }
            if (negativeExponent) {
                exponent = -exponent;
            }
        }
        int scale = exponent - fractionDigits;
        if (scale < -22 || scale > 22) {
            return parseGeneral(text, start, end);
        }
        double value = scale >= 0 ? mantissa * POWERS_OF_TEN[scale] : mantissa / POWERS_OF_TEN[-scale];
        return negative ? -value : value;
    }

    /**
     * expfmt's grammar: Go's decimal one (strconv/atof.go), the reference's refusal of {@code p}, {@code P} and
     * {@code _} first, then Java's correctly rounded conversion.
     */
    private static double parseGeneral(String text, int start, int end) {
        for (int k = start; k < end; k++) {
            char c = text.charAt(k);
            if (c == 'p' || c == 'P' || c == '_') {
                // expfmt's parseFloat refuses these before strconv.ParseFloat: no hexadecimal floats (they need a p
                // exponent), no underscores between digits.
                throw new NumberFormatException("unsupported character in float");
            }
        }
        int i = start;
        boolean signed = false;
        boolean negative = false;
        char first = text.charAt(i);
        if (first == '+' || first == '-') {
            signed = true;
            negative = first == '-';
            i++;
        }
        int rest = end - i;
        if ((rest == 3 || rest == 8) && asciiIgnoringCase(text, i, "infinity", rest)) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (!signed && rest == 3 && asciiIgnoringCase(text, i, "nan", 3)) {
            return Double.NaN;
        }
        boolean dot = false;
        boolean sawDigits = false;
        for (; i < end; i++) {
            char c = text.charAt(i);
            if (c == '.' && !dot) {
                dot = true;
            } else if (c >= '0' && c <= '9') {
                sawDigits = true;
            } else {
                break;
            }
        }
        if (!sawDigits) {
            throw new NumberFormatException("no digits");
        }
        if (i < end && (text.charAt(i) | 0x20) == 'e') {
            i++;
            if (i < end && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
            }
            if (i == end) {
                throw new NumberFormatException("no exponent digits");
            }
            for (; i < end && text.charAt(i) >= '0' && text.charAt(i) <= '9'; i++) {
                // exponent digits
            }
        }
        if (i != end) {
            throw new NumberFormatException("unexpected character");
        }
        double value = Double.parseDouble(text.substring(start, end));
        if (Double.isInfinite(value)) {
            throw new NumberFormatException("out of range");
        }
        return value;
    }

    /**
     * Whether {@code text} at {@code start} is the first {@code length} letters of {@code lowercase}, ASCII letters in
     * any case. Not {@link String#regionMatches(boolean, int, String, int, int)}: it would take a dotless {@code ı} or
     * a dotted {@code İ} for an {@code i}, where Go does not.
     */
    private static boolean asciiIgnoringCase(String text, int start, String lowercase, int length) {
        for (int k = 0; k < length; k++) {
            char c = text.charAt(start + k);
            if ((c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c) != lowercase.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code strconv.ParseInt(text[start:end], 10, 64)}: an optional sign and ASCII digits, within a long.
     *
     * @throws NumberFormatException on anything else
     */
    static long parseInt64(String text, int start, int end) {
        int i = start;
        boolean negative = false;
        if (i < end && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        if (i == end) {
            throw new NumberFormatException("no digits");
        }
        long value = 0; // accumulated negatively so that Long.MIN_VALUE fits
        for (; i < end; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new NumberFormatException("not a digit");
            }
            if (value < Long.MIN_VALUE / 10 || value * 10 < Long.MIN_VALUE + (c - '0')) {
                throw new NumberFormatException("out of range");
            }
            value = value * 10 - (c - '0');
        }
        if (!negative) {
            if (value == Long.MIN_VALUE) {
                throw new NumberFormatException("out of range");
            }
            value = -value;
        }
        return value;
    }
}
