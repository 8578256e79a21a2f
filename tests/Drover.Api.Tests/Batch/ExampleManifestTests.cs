namespace Drover.Api.Tests;

/// <summary>The workload examples in examples/ are valid as the server defaults and validates them.</summary>
public class ExampleManifestTests
{
    [Theory]
    [InlineData("batch-job.yaml", typeof(Job))]
    [InlineData("batch-cronjob.yaml", typeof(CronJob))]
    [InlineData("daemonset-collector.yaml", typeof(DaemonSet))]
    public void Example_DefaultedAndValidated_NoErrors(string file, Type kind)
    {
        var obj = Manifests.Decode(Manifests.Read(file));

        Assert.IsType(kind, obj);
        Manifests.AssertNoErrors(ObjectValidator.Validate(ObjectDefaulter.ApplyDefaults(obj)));
    }
}
