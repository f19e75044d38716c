package dev.wattswarm.node.discovery;

/**
 * A place on Earth in degrees, as a node declares it ({@code WATTSWARM_NODE_LOCATION=lat,lon}).
 * Self-declared and unverifiable: good for "who says they are near", never for trust.
 */
public record GeoPoint(double lat, double lon) {
  /** Mean Earth radius (IUGG), the usual choice for great-circle distances. */
  static final double EARTH_RADIUS_KM = 6371.0088;

  public GeoPoint {
    if (!(lat >= -90 && lat <= 90)) throw new IllegalArgumentException("lat " + lat + " must be between -90 and 90");
    if (!(lon >= -180 && lon <= 180)) throw new IllegalArgumentException("lon " + lon + " must be between -180 and 180");
  }

  /** Parses {@code lat,lon}; the message names what was wrong. */
  public static GeoPoint parse(String v) {
    String[] parts = v.split(",");
    if (parts.length != 2) throw new IllegalArgumentException("'" + v + "' must be lat,lon in degrees, e.g. 48.85,2.35");
    try {
      return new GeoPoint(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + v + "' must be lat,lon in degrees, e.g. 48.85,2.35");
    }
  }

  /** Great-circle distance by the haversine formula, which stays accurate for short distances. */
  public double distanceKm(GeoPoint o) {
    double p1 = Math.toRadians(lat);
    double p2 = Math.toRadians(o.lat);
    double dp = p2 - p1;
    double dl = Math.toRadians(o.lon - lon);
    double a = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
  }
}
