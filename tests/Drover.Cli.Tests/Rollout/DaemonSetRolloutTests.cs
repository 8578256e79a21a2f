using Drover.Api;

namespace Drover.Cli.Rollout.Tests;

/// <summary>`rollout status`, `history` and `undo` for DaemonSets: kubectl's DaemonSetStatusViewer, DaemonSetHistoryViewer and DaemonSetRollbacker.</summary>
public sealed class DaemonSetRolloutTests
{
    [Theory]
    [InlineData(1, 0, 0, 0, "Waiting for daemon set spec update to be observed...", false)]
    [InlineData(2, 3, 1, 3, "Waiting for daemon set \"collector\" rollout to finish: 1 out of 3 new pods have been updated...", false)]
    [InlineData(2, 3, 3, 2, "Waiting for daemon set \"collector\" rollout to finish: 2 of 3 updated pods are available...", false)]
    [InlineData(2, 3, 3, 3, "daemon set \"collector\" successfully rolled out", true)]
    public void Of_Status_KubectlLines(long observed, int desired, int updated, int available, string message, bool done)
    {
        var ds = DaemonSet(ImageOf("collector:2")) with
        {
            Status = new DaemonSetStatus { ObservedGeneration = observed, DesiredNumberScheduled = desired, UpdatedNumberScheduled = updated, NumberAvailable = available },
        };

        Assert.Equal(new RolloutState(message, done), RolloutStatus.Of(ds));
    }

    [Fact]
    public void Of_OnDelete_Refused()
    {
        var ds = DaemonSet(ImageOf("collector:2"));
        ds = ds with { Spec = ds.Spec with { UpdateStrategy = new DaemonSetUpdateStrategy { Type = "OnDelete" } } };

        Assert.Contains("only available for RollingUpdate", Assert.Throws<CliException>(() => RolloutStatus.Of(ds)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Default_PreviousRevisionsTemplate()
    {
        var ds = DaemonSet(ImageOf("collector:3"));
        ControllerRevision[] history = [Revision(1, "collector:1"), Revision(3, "collector:3"), Revision(2, "collector:2")];

        var (revision, updated) = DaemonSetRollback.Plan(ds, history, 0);

        Assert.Equal(2, revision);
        Assert.Equal("collector:2", updated!.Spec.Template.Spec.Containers[0].Image);
    }

    [Fact]
    public void Plan_ToRevisionWithTheCurrentTemplate_Skipped()
    {
        var (revision, updated) = DaemonSetRollback.Plan(DaemonSet(ImageOf("collector:1")), [Revision(1, "collector:1"), Revision(2, "collector:2")], 1);

        Assert.Equal(1, revision);
        Assert.Null(updated);
    }

    [Fact]
    public void Plan_UnknownRevisionOrNoHistory_KubectlErrors()
    {
        var ds = DaemonSet(ImageOf("collector:1"));

        Assert.Equal("error: unable to find specified revision 7 in history (known revisions: 1, 2)",
            Assert.Throws<CliException>(() => DaemonSetRollback.Plan(ds, [Revision(1, "collector:1"), Revision(2, "collector:2")], 7)).Message);
        Assert.StartsWith("error: no rollout history found for daemonset \"collector\"",
            Assert.Throws<CliException>(() => DaemonSetRollback.Plan(ds, [Revision(1, "collector:1")], 0)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HistoryTable_ControllerRevisions_SortedWithTheirChangeCauseOrNone()
    {
        var caused = Revision(2, "collector:2");
        caused = caused with { Metadata = caused.Metadata with { Annotations = new() { [Revisions.ChangeCauseAnnotation] = "collector 2" } } };
        var foreign = Revision(4, "x") with { Data = System.Text.Json.JsonDocument.Parse("{\"spec\":{}}").RootElement.Clone() };

        Assert.Equal(
            "REVISION  CHANGE-CAUSE\n1         <none>\n2         collector 2\n3         <none>\n",
            RolloutHistory.Table(RolloutHistory.ByRevision([Revision(3, "collector:3"), caused, Revision(1, "collector:1"), foreign])));
        Assert.Equal(RolloutHistory.NoHistory + "\n", RolloutHistory.Table(RolloutHistory.ByRevision(Array.Empty<ControllerRevision>())));
    }

    [Fact]
    public void HistoryRevision_ControllerRevision_DescribesItsTemplateWithItsChangeCause()
    {
        var caused = Revision(2, "collector:2");
        caused = caused with { Metadata = caused.Metadata with { Annotations = new() { [Revisions.ChangeCauseAnnotation] = "collector 2" } } };

        var text = RolloutHistory.Revision(RolloutHistory.ByRevision([Revision(1, "collector:1"), caused]), 2, DateTimeOffset.UnixEpoch, TimeZoneInfo.Utc);

        Assert.Contains("collector:2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("collector:1", text, StringComparison.Ordinal);
        Assert.Contains("kubernetes.io/change-cause: collector 2", text, StringComparison.Ordinal);
    }

    private static PodTemplateSpec ImageOf(string image) => new()
    {
        Metadata = new ObjectMeta { Labels = new() { ["app"] = "collector" } },
        Spec = new PodSpec { Containers = [new Container { Name = "c", Image = image }] },
    };

    private static DaemonSet DaemonSet(PodTemplateSpec template) => new()
    {
        Metadata = new ObjectMeta { Name = "collector", Namespace = "ns", Uid = "ds-uid", Generation = 2 },
        Spec = new DaemonSetSpec
        {
            Selector = new LabelSelector { MatchLabels = new() { ["app"] = "collector" } },
            Template = template,
            UpdateStrategy = new DaemonSetUpdateStrategy { Type = "RollingUpdate" },
        },
    };

    private static ControllerRevision Revision(long revision, string image) => new()
    {
        Metadata = new ObjectMeta { Name = "collector-" + revision, Namespace = "ns" },
        Revision = revision,
        Data = DaemonSetRevisions.Data(ImageOf(image)),
    };
}
