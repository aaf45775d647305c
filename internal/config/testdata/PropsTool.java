// PropsTool lets the Go tests check config.properties files against the real
// java.util.Properties. It reads commands from stdin, one per line, fields
// separated by single spaces, strings hex-encoded as UTF-8:
//
//   load PATH         Properties.load(InputStream) (ISO-8859-1, as Java apps do)
//   loadutf8 PATH     Properties.load(Reader) with UTF-8
//   store PATH COMMENT [KEY VALUE]...
//                     Properties.store(OutputStream, COMMENT); "-" for no comment
//   update PATH [KEY VALUE]...
//                     load(InputStream), setProperty each KEY, store(OutputStream,
//                     null) over the same file: a Java program editing the config
//
// load prints "KEY VALUE" (hex) lines and then "end", or "error MESSAGE" when
// Java refuses the file. store and update print "stored".
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

public class PropsTool {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.split(" ", -1);
            switch (f[0]) {
            case "load":
            case "loadutf8": {
                Properties p = new Properties();
                try (InputStream is = new FileInputStream(unhex(f[1]))) {
                    if (f[0].equals("load")) {
                        p.load(is);
                    } else {
                        p.load(new InputStreamReader(is, StandardCharsets.UTF_8));
                    }
                } catch (IllegalArgumentException e) {
                    out.println("error " + hex(String.valueOf(e.getMessage())));
                    break;
                }
                for (String k : p.stringPropertyNames()) {
                    out.println(hex(k) + " " + hex(p.getProperty(k)));
                }
                out.println("end");
                break;
            }
            case "store": {
                Properties p = new Properties();
                for (int i = 3; i + 1 < f.length; i += 2) {
                    p.setProperty(unhex(f[i]), unhex(f[i + 1]));
                }
                String comment = f[2].equals("-") ? null : unhex(f[2]);
                try (OutputStream os = new FileOutputStream(unhex(f[1]))) {
                    p.store(os, comment);
                }
                out.println("stored");
                break;
            }
            case "update": {
                Properties p = new Properties();
                try (InputStream is = new FileInputStream(unhex(f[1]))) {
                    p.load(is);
                }
                for (int i = 2; i + 1 < f.length; i += 2) {
                    p.setProperty(unhex(f[i]), unhex(f[i + 1]));
                }
                try (OutputStream os = new FileOutputStream(unhex(f[1]))) {
                    p.store(os, null);
                }
                out.println("stored");
                break;
            }
            default:
                throw new IllegalArgumentException("unknown command " + f[0]);
            }
        }
    }

    static String hex(String s) {
        StringBuilder b = new StringBuilder();
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            b.append(String.format("%02x", c & 0xff));
        }
        return b.toString();
    }

    static String unhex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
