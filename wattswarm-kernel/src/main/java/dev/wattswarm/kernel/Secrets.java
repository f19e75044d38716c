package dev.wattswarm.kernel;

import java.util.regex.Pattern;

/**
 * Masks credentials in text meant for people (errors, status, logs): the password in a URL's user
 * info ({@code postgres://user:pw@host}), {@code password=} / {@code api_key=} style parameters and
 * bearer tokens. Whatever the user configured, they never see it echoed back.
 */
public final class Secrets {
  public static final String MASK = "***";
  private static final Pattern USERINFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.\\-]*://[^:/@\\s]*):[^@/\\s]*@");
  private static final Pattern PARAM =
      Pattern.compile("(?i)\\b(password|passwd|pwd|api[_-]?key|token|secret|access[_-]?token)=([^&\\s;,)]+)");
  private static final Pattern BEARER = Pattern.compile("(?i)\\b(Bearer)\\s+[A-Za-z0-9._~+/=\\-]{8,}");

  private Secrets() {}

  public static String redact(String text) {
    if (text == null || text.isEmpty()) return text;
    String s = USERINFO.matcher(text).replaceAll("$1:" + MASK + "@");
    s = PARAM.matcher(s).replaceAll("$1=" + MASK);
    return BEARER.matcher(s).replaceAll("$1 " + MASK);
  }
}
