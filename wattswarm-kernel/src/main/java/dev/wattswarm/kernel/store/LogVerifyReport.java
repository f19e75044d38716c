package dev.wattswarm.kernel.store;

import java.util.List;

/**
 * Result of {@link EventStore#verifyLog}.
 *
 * @param checked events examined
 * @param lanes lanes examined
 * @param problems one line per failure: position, event id, reason code and detail
 */
public record LogVerifyReport(long checked, long lanes, List<String> problems) {
  public boolean ok() {
    return problems.isEmpty();
  }
}
