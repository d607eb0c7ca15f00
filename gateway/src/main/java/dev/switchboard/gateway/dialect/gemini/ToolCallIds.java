package dev.switchboard.gateway.dialect.gemini;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * OpenAI tool calls need ids; Gemini's function calls usually have none. The id is derived from the response id,
 * the call's position, name and arguments, so the same answer always gets the same ids (a retried stream and its
 * JSON twin agree). Gemini 3 also returns a `thoughtSignature` on function calls that must come back with the
 * call in the next turn or the request is rejected; the gateway keeps no state, so the signature travels inside
 * the id (`call_<hash>_sig_<signature>`) and is restored from it. Base64 has no `_`, so the split is unambiguous.
 */
final class ToolCallIds {

    private static final String SIGNATURE = "_sig_";

    private ToolCallIds() {
    }

    static String id(String responseId, int index, String name, String arguments, String signature) {
        CRC32 crc = new CRC32();
        crc.update((responseId + '\u0000' + index + '\u0000' + name + '\u0000' + arguments).getBytes(StandardCharsets.UTF_8));
        String id = "call_" + String.format("%08x", crc.getValue()) + Integer.toString(index, 36);
        return signature == null || signature.isEmpty() ? id : id + SIGNATURE + signature;
    }

    /** The thought signature carried by an id this gateway produced, or null. */
    static String signature(String id) {
        if (id == null) {
            return null;
        }
        int at = id.indexOf(SIGNATURE);
        return at < 0 ? null : id.substring(at + SIGNATURE.length());
    }
}
