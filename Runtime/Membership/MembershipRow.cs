namespace Optimus.Runtime;

/// <summary>A membership entry as stored, with the ETag its next conditional update must name.</summary>
public sealed record MembershipRow(MembershipEntry Entry, string ETag);
