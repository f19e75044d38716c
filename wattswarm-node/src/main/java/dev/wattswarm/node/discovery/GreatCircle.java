package dev.wattswarm.node.discovery;

import dev.wattswarm.node.network.NodeRecord.Location;

/** Distances on the Earth's surface for {@code nearby} queries. */
public final class GreatCircle {
  /** Mean Earth radius (IUGG), the usual choice for great-circle distances. */
  static final double EARTH_RADIUS_KM = 6371.0088;

  private GreatCircle() {}

  /** Great-circle distance by the haversine formula, which stays accurate for short distances. */
  public static double km(Location a, Location b) {
    double p1 = Math.toRadians(a.lat());
    double p2 = Math.toRadians(b.lat());
    double dp = p2 - p1;
    double dl = Math.toRadians(b.lon() - a.lon());
    double h = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  /** Parses {@code lat,lon} in degrees; the message names what was wrong. */
  public static Location parse(String v) {
    String[] parts = v.split(",");
    if (parts.length != 2) throw new IllegalArgumentException("'" + v + "' must be lat,lon in degrees, e.g. 48.85,2.35");
    try {
      return new Location(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + v + "' must be lat,lon in degrees, e.g. 48.85,2.35");
    }
  }
}
