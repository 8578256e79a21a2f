using Drover.Api.Printing;

namespace Drover.Api.Tests;

/// <summary>Job defaulting and validation as Kubernetes' batch/v1 does them, each error at its field path.</summary>
public class JobValidationTests
{
    private const string Job = """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: pi
          namespace: default
        spec:
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: pi
                  image: perl:5.34
                  command: ["perl", "-e", "print 1"]
        """;

    [Fact]
    public void ApplyDefaults_BareJob_KubernetesDefaults()
    {
        var job = (Job)ObjectDefaulter.ApplyDefaults(Manifests.Decode(Job));

        Assert.Equal((1, 1, 6, "NonIndexed", false), (job.Spec.Completions, job.Spec.Parallelism, job.Spec.BackoffLimit, job.Spec.CompletionMode, job.Spec.Suspend));
        Assert.Equal("TerminatingOrFailed", job.Spec.PodReplacementPolicy);
        Assert.Equal(30, job.Spec.Template.Spec.TerminationGracePeriodSeconds);
        Assert.Empty(ObjectValidator.Validate(job with { Spec = job.Spec with { Selector = new LabelSelector { MatchLabels = new() { ["a"] = "b" } }, ManualSelector = true, Template = job.Spec.Template with { Metadata = new ObjectMeta { Labels = new() { ["a"] = "b" } } } } }));
    }

    [Fact]
    public void ApplyDefaults_OnlyParallelism_CompletionsLeftUnsetAsAWorkQueue()
    {
        var job = (Job)ObjectDefaulter.ApplyDefaults(Manifests.Decode(Job.Replace("  template:", "  parallelism: 3\n  template:", StringComparison.Ordinal)));

        Assert.Null(job.Spec.Completions);
        Assert.Equal(3, job.Spec.Parallelism);
    }

    [Fact]
    public void ApplyDefaults_TemplateLabelsAndNoneOfItsOwn_JobLabelledAsItsPods()
    {
        var yaml = Job.Replace("    spec:\n      restartPolicy", "    metadata:\n      labels: {app: pi}\n    spec:\n      restartPolicy", StringComparison.Ordinal);

        var job = (Job)ObjectDefaulter.ApplyDefaults(Manifests.Decode(yaml));

        Assert.Equal("pi", job.Metadata.Labels!["app"]);
    }

    [Theory]
    [InlineData("restartPolicy: Never", "restartPolicy: Always", "spec.template.spec.restartPolicy", FieldErrorType.NotSupported)]
    [InlineData("      restartPolicy: Never\n", "", "spec.template.spec.restartPolicy", FieldErrorType.NotSupported)]
    [InlineData("  template:", "  backoffLimit: -1\n  template:", "spec.backoffLimit", FieldErrorType.Invalid)]
    [InlineData("  template:", "  completions: -2\n  template:", "spec.completions", FieldErrorType.Invalid)]
    [InlineData("  template:", "  parallelism: -1\n  template:", "spec.parallelism", FieldErrorType.Invalid)]
    [InlineData("  template:", "  activeDeadlineSeconds: -5\n  template:", "spec.activeDeadlineSeconds", FieldErrorType.Invalid)]
    [InlineData("  template:", "  ttlSecondsAfterFinished: -1\n  template:", "spec.ttlSecondsAfterFinished", FieldErrorType.Invalid)]
    [InlineData("  template:", "  completionMode: Sideways\n  template:", "spec.completionMode", FieldErrorType.NotSupported)]
    [InlineData("  template:", "  completionMode: Indexed\n  parallelism: 3\n  template:", "spec.completions", FieldErrorType.Required)]
    [InlineData("  template:", "  completionMode: Indexed\n  completions: 100001\n  template:", "spec.completions", FieldErrorType.Invalid)]
    [InlineData("  template:", "  completionMode: Indexed\n  completions: 3\n  parallelism: 100001\n  template:", "spec.parallelism", FieldErrorType.Invalid)]
    [InlineData("  template:", "  podReplacementPolicy: Sometimes\n  template:", "spec.podReplacementPolicy", FieldErrorType.NotSupported)]
    [InlineData("  template:", "  manualSelector: true\n  template:", "spec.selector", FieldErrorType.Required)]
    [InlineData("          image: perl:5.34\n", "", "spec.template.spec.containers[0].image", FieldErrorType.Required)]
    public void Validate_BadField_ErrorNamesIt(string find, string replace, string field, FieldErrorType type)
    {
        var yaml = Job.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(Job, yaml);

        Manifests.AssertError(Manifests.DefaultAndValidate(yaml), field, type);
    }

    [Fact]
    public void Validate_IndexedWithCompletions_Accepted()
    {
        var yaml = Job.Replace("  template:", "  completionMode: Indexed\n  completions: 5\n  template:", StringComparison.Ordinal);

        Assert.Empty(Manifests.DefaultAndValidate(yaml));
    }

    [Fact]
    public void Validate_SelectorWithoutManualSelectorNotTheUid_Refused()
    {
        var job = (Job)ObjectDefaulter.ApplyDefaults(Manifests.Decode(Job));
        job = job with
        {
            Metadata = job.Metadata with { Uid = "u-1" },
            Spec = job.Spec with { Selector = new LabelSelector { MatchLabels = new() { [JobLabels.ControllerUid] = "someone-else" } } },
        };

        Manifests.AssertError(ObjectValidator.Validate(job), $"spec.selector.matchLabels[{JobLabels.ControllerUid}]", FieldErrorType.Invalid);
    }

    [Fact]
    public void ValidateUpdate_TemplateOrCompletionsChanged_Immutable()
    {
        var job = Stored();
        var changed = job with
        {
            Spec = job.Spec with
            {
                Completions = 5,
                Template = job.Spec.Template with { Spec = job.Spec.Template.Spec with { Containers = [job.Spec.Template.Spec.Containers[0] with { Image = "perl:6" }] } },
            },
        };

        var errors = ObjectValidator.ValidateUpdate(changed, job);

        Manifests.AssertError(errors, "spec.completions", FieldErrorType.Invalid);
        Manifests.AssertError(errors, "spec.template", FieldErrorType.Invalid);
        // Parallelism, the deadline and suspend may change while the Job runs.
        Manifests.AssertNoErrors(ObjectValidator.ValidateUpdate(job with { Spec = job.Spec with { Parallelism = 4, Suspend = true, ActiveDeadlineSeconds = 60 } }, job));
        Manifests.AssertNoErrors(ObjectValidator.Validate(job));
    }

    /// <summary>The Job as the server stores it: defaulted, with the selector and labels it generates from the uid.</summary>
    private static Job Stored()
    {
        var job = (Job)ObjectDefaulter.ApplyDefaults(Manifests.Decode(Job));
        var labels = new Dictionary<string, string> { [JobLabels.ControllerUid] = "u-1", [JobLabels.JobName] = "pi" };
        return job with
        {
            Metadata = job.Metadata with { Uid = "u-1" },
            Spec = job.Spec with
            {
                Selector = new LabelSelector { MatchLabels = new() { [JobLabels.ControllerUid] = "u-1" } },
                Template = job.Spec.Template with { Metadata = new ObjectMeta { Labels = labels } },
            },
        };
    }

    [Theory]
    [InlineData(null, null, 1, 0, "0/1")]
    [InlineData(null, null, 3, 2, "2/3")]
    [InlineData(null, 4, null, 0, "0/1 of 4")]
    [InlineData("Complete", null, 1, 1, "1/1")]
    [InlineData("Failed", 1, 1, 0, "0/1")]
    public void BatchColumns_Job_AsKubectlPrintsIt(string? condition, int? parallelism, int? completions, int succeeded, string expected)
    {
        var job = new Job
        {
            Metadata = new ObjectMeta { Name = "pi" },
            Spec = new JobSpec { Parallelism = parallelism, Completions = completions },
            Status = new JobStatus
            {
                Succeeded = succeeded,
                Conditions = condition is null ? null : [new JobCondition { Type = condition, Status = "True" }],
            },
        };

        Assert.Equal(expected, BatchColumns.Jobs[2].Value(job, DateTimeOffset.UnixEpoch));
        Assert.Equal(condition ?? "Running", BatchColumns.JobStatusText(job));
    }
}
