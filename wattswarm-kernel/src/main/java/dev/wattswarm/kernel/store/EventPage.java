package dev.wattswarm.kernel.store;

import dev.wattswarm.kernel.event.Event;
import java.util.List;

/**
 * A page of the log.
 *
 * @param positions local log position of each event, parallel to {@code events}
 * @param nextCursor position to pass as {@code afterPosition} for the next page
 */
public record EventPage(List<Event> events, List<Long> positions, long nextCursor) {}
