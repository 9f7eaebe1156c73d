package io.supervisorkafka.schemas;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import java.io.IOException;
import java.util.Base64;

/**
 * The quantile sketch of StatsD timers on the wire: a DDSketch (relative accuracy {@value #RELATIVE_ACCURACY}) in
 * the library's own compact binary encoding ({@code DDSketch.encode}, no protobuf), base64 in JSON. Sketches merge
 * exactly: the quantiles of merged sketches keep the accuracy guarantee, unlike averaged percentiles.
 */
public final class Sketches {
    public static final double RELATIVE_ACCURACY = 0.01;

    private Sketches() {
    }

    /** A new, empty sketch. */
    public static DDSketch create() {
        return DDSketches.unboundedDense(RELATIVE_ACCURACY);
    }

    public static String encode(DDSketch sketch) {
        GrowingByteArrayOutput output = GrowingByteArrayOutput.withDefaultInitialCapacity();
        try {
            sketch.encode(output, false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a sketch in memory", e);
        }
        return Base64.getEncoder().encodeToString(output.trimmedCopy());
    }

    /** @throws IllegalArgumentException when the text is not an encoded sketch */
    public static DDSketch decode(String base64) {
        try {
            return DDSketch.decode(ByteArrayInput.wrap(Base64.getDecoder().decode(base64)),
                    UnboundedSizeDenseStore::new);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not an encoded DDSketch: " + e.getMessage(), e);
        }
    }
}
