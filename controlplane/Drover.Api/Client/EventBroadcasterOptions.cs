namespace Drover.Api.Client;

/// <summary>Who an <see cref="EventBroadcaster"/>'s events say they come from, and how much it holds back.</summary>
public sealed record EventBroadcasterOptions
{
    /// <summary>source.host of every event (the agent: its node); null: none (droverd).</summary>
    public string? SourceHost { get; init; }

    /// <summary>reportingInstance from the component (droverd: "scheduler-HOST"; the agent: its node).</summary>
    public Func<string, string> ReportingInstance { get; init; } = component => component;

    /// <summary>Events waiting for a writer at most; more are dropped (events are a courtesy).</summary>
    public int MaxBacklog { get; init; } = 1_000;

    /// <summary>How many writes run at once.</summary>
    public int Writers { get; init; } = 4;
}
