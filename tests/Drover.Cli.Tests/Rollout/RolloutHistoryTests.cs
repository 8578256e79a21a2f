using Drover.Api;
using Drover.Cli.Rollout;

namespace Drover.Cli.Rollout.Tests;

public sealed class RolloutHistoryTests
{
    private static readonly DateTimeOffset Now = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Table_Revisions_SortedWithChangeCauseOrNone()
    {
        ReplicaSet[] owned =
        [
            RolloutObjects.ReplicaSet(3, "my-app:v1.0", "rollback"),
            RolloutObjects.ReplicaSet(1, "my-app:v0.9"),
            RolloutObjects.ReplicaSet(2, "my-app:v2.0", "drover set image deployment/my-app app=my-app:v2.0"),
        ];
        Assert.Equal(
            "REVISION  CHANGE-CAUSE\n" +
            "1         <none>\n" +
            "2         drover set image deployment/my-app app=my-app:v2.0\n" +
            "3         rollback\n",
            RolloutHistory.Table(RolloutHistory.ByRevision(owned)));
    }

    [Fact]
    public void Table_NoReplicaSets_SaysNoHistory() =>
        Assert.Equal("No rollout history found.\n", RolloutHistory.Table(RolloutHistory.ByRevision(Array.Empty<ReplicaSet>())));

    [Fact]
    public void Table_UnparsableRevision_Skipped()
    {
        var rs = RolloutObjects.ReplicaSet(1, "x");
        var bad = rs with { Metadata = rs.Metadata with { Annotations = new() { [Revisions.RevisionAnnotation] = "one" } } };
        Assert.Equal("REVISION  CHANGE-CAUSE\n2         <none>\n", RolloutHistory.Table(RolloutHistory.ByRevision([bad, RolloutObjects.ReplicaSet(2, "y")])));
    }

    [Fact]
    public void Revision_Known_DescribesItsTemplate()
    {
        var text = RolloutHistory.Revision(RolloutHistory.ByRevision([RolloutObjects.ReplicaSet(1, "my-app:v1.0", "first"), RolloutObjects.ReplicaSet(2, "my-app:v2.0")]), 1, Now, TimeZoneInfo.Utc);
        Assert.StartsWith("Pod Template:\n", text, StringComparison.Ordinal);
        Assert.Contains("my-app:v1.0", text, StringComparison.Ordinal);
        Assert.DoesNotContain("my-app:v2.0", text, StringComparison.Ordinal);
        Assert.Contains("kubernetes.io/change-cause: first", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Revision_Unknown_NamesItAndTheKnownOnes()
    {
        var e = Assert.Throws<CliException>(() => RolloutHistory.Revision(RolloutHistory.ByRevision([RolloutObjects.ReplicaSet(1, "a"), RolloutObjects.ReplicaSet(2, "b")]), 5, Now, TimeZoneInfo.Utc));
        Assert.Equal("error: unable to find the specified revision 5 (known revisions: 1, 2)", e.Message);
    }

    [Fact]
    public void OwnedBy_OtherControllerOrNone_Excluded()
    {
        var deployment = RolloutObjects.Deployment();
        var mine = RolloutObjects.ReplicaSet(1, "a");
        var theirs = RolloutObjects.ReplicaSet(2, "b", ownerUid: "someone-else");
        var orphan = RolloutObjects.ReplicaSet(3, "c") with { Metadata = mine.Metadata with { Name = "orphan", OwnerReferences = null } };
        Assert.Equal([mine], Revisions.OwnedBy(deployment, [mine, theirs, orphan]));
    }
}
