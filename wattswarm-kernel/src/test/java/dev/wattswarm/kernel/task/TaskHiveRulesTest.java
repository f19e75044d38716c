package dev.wattswarm.kernel.task;

import static dev.wattswarm.kernel.task.TaskEventTypes.*;
import static dev.wattswarm.kernel.task.TaskRejection.*;
import static dev.wattswarm.kernel.task.TaskStateMachineTest.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.identity.KeyPair;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A task posted to a hive names the member nodes in its signed {@code task.created}: every other
 * node's claims, candidates and direct finalizations are refused by the state machine itself, so a
 * non-member that lies about being one cannot take part, let alone win.
 */
class TaskHiveRulesTest {
  static final SecureRandom RND = new SecureRandom();
  // real ids: the spec accepts node ids in their canonical form only
  final String coord = id(), m1 = id(), m2 = id(), outsider = id();
  final List<String> members = sorted(coord, m1, m2);

  static String id() {
    return KeyPair.generate(RND).id().toString();
  }

  static List<String> sorted(String... ids) {
    List<String> l = new ArrayList<>(List.of(ids));
    l.sort(null);
    return l;
  }

  ObjectNode hiveSpec(String profile) {
    ObjectNode s = fastSpec().put("hive", "research").put("profile", profile);
    if (profile.equals("quorum")) s.put("vote_window_ms", VOTE).put("reveal_window_ms", REVEAL).putObject("quorum").put("executors", 2);
    var arr = s.putArray("hive_members");
    members.forEach(arr::add);
    return s;
  }

  TaskState created(String profile) {
    return ok(null, fact(CREATED, coord, T0, hiveSpec(profile)));
  }

  @Test
  void aNonMembersBidIsRefusedAndAMembersTaken() {
    TaskState s = created("fast");
    assertThat(s.spec().hiveMembers()).isEqualTo(members);
    TaskTransition t = rejects(s, claim(outsider + "/rules-1", T0 + 1), NOT_HIVE_MEMBER);
    assertThat(t.message()).contains(outsider).contains("research");
    TaskState bid = ok(s, claim(m1 + "/rules-1", T0 + 2));
    assertThat(bid.bids()).containsOnlyKeys(m1 + "/rules-1");
    // the coordinator cannot hand a slot to a non-member either: it has no bid on record
    rejects(s, fact(ASSIGNED, coord, T0 + 3, obj("executor", outsider + "/rules-1")), NO_BID);
  }

  @Test
  void aLyingNonMemberCannotProposeOrFinalize() {
    TaskState s = ok(ok(created("fast"), claim(m1 + "/rules-1", T0 + 1)), fact(ASSIGNED, coord, T0 + 2, obj("executor", m1 + "/rules-1")));
    // a candidate for a slot it never had, claiming membership it does not have
    rejects(s, fact(CANDIDATE_PROPOSED, outsider, T0 + 3, obj("executor", outsider + "/rules-1", "output", GOOD)), NOT_HIVE_MEMBER);
    ok(s, fact(CANDIDATE_PROPOSED, m1, T0 + 3, obj("executor", m1 + "/rules-1", "output", GOOD)));
  }

  @Test
  void aCoordinatorOutsideItsOwnHiveCannotRunItEither() {
    List<String> others = sorted(m1, m2);
    ObjectNode spec = hiveSpec("fast");
    var arr = spec.putArray("hive_members");
    others.forEach(arr::add);
    TaskState s = ok(null, fact(CREATED, coord, T0, spec));
    rejects(s, fact(CLAIMED, coord, T0 + 1, obj("executor", coord + "/local-1")), NOT_HIVE_MEMBER);
    rejects(s, fact(FINALIZED, coord, T0 + 1, obj("executor", coord + "/local-1", "output", GOOD)), NOT_HIVE_MEMBER);
  }

  @Test
  void aMemberAsksToBePaidIntoItsAgentsAccount() {
    String agent = id();
    TaskState s = ok(ok(created("fast"), claim(m1 + "/rules-1", T0 + 1)), fact(ASSIGNED, coord, T0 + 2, obj("executor", m1 + "/rules-1")));
    TaskState p = ok(s, fact(CANDIDATE_PROPOSED, m1, T0 + 3, obj("executor", m1 + "/rules-1", "output", GOOD, "payee", agent)));
    assertThat(p.candidates().get(m1 + "/rules-1").payee()).isEqualTo(agent);
    assertRoundTrips(p);
    for (String bad : List.of("nobody", agent.toUpperCase(), "")) {
      rejects(s, fact(CANDIDATE_PROPOSED, m1, T0 + 3, obj("executor", m1 + "/rules-1", "output", GOOD, "payee", bad)), BAD_PAYLOAD);
    }
    rejects(s, fact(CANDIDATE_PROPOSED, m1, T0 + 3, obj("executor", m1 + "/rules-1", "output", GOOD, "payee", 7)), BAD_PAYLOAD);
    TaskState direct = ok(null, fact(CREATED, coord, T0, hiveSpec("fast")));
    TaskState fin = ok(direct, fact(FINALIZED, coord, T0 + 1, obj("executor", coord + "/local-1", "output", GOOD, "payee", agent)));
    assertThat(fin.candidates().get(coord + "/local-1").payee()).isEqualTo(agent);
  }

  @Test
  void theMemberListHasOneSpellingAndBounds() {
    ObjectNode unsorted = hiveSpec("fast");
    var arr = unsorted.putArray("hive_members");
    sorted(coord, m1).reversed().forEach(arr::add);
    assertThatThrownBy(() -> TaskSpec.parse(unsorted)).hasMessageContaining("hive_members").hasMessageContaining("sorted");
    ObjectNode dup = hiveSpec("fast");
    dup.putArray("hive_members").add(m1).add(m1);
    assertThatThrownBy(() -> TaskSpec.parse(dup)).hasMessageContaining("without duplicates");
    ObjectNode none = hiveSpec("fast");
    none.remove("hive_members");
    assertThatThrownBy(() -> TaskSpec.parse(none)).hasMessageContaining("hive_members").hasMessageContaining("required");
    ObjectNode orphan = fastSpec();
    orphan.putArray("hive_members").add(m1);
    assertThatThrownBy(() -> TaskSpec.parse(orphan)).hasMessageContaining("only with");
    ObjectNode forged = hiveSpec("fast");
    forged.putArray("hive_members").add("z6MkNOTAKEY");
    assertThatThrownBy(() -> TaskSpec.parse(forged)).hasMessageContaining("is not a node id");
    ObjectNode big = hiveSpec("fast");
    var many = big.putArray("hive_members");
    for (int i = 0; i <= TaskSpec.MAX_HIVE_MEMBERS; i++) many.add(id());
    assertThatThrownBy(() -> TaskSpec.parse(big)).hasMessageContaining("1-" + TaskSpec.MAX_HIVE_MEMBERS);
    ObjectNode badName = hiveSpec("fast").put("hive", "no spaces");
    assertThatThrownBy(() -> TaskSpec.parse(badName)).hasMessageContaining("hive");
    // a task without a hive keeps its old created payload, byte for byte
    assertThat(TaskSpec.parse(fastSpec()).toJson().has("hive")).isFalse();
    assertThat(TaskSpec.parse(fastSpec()).mayExecute(outsider)).isTrue();
  }
}
