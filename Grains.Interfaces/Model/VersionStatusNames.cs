using System.Text.Json;

namespace Optimus.Grains;

/// <summary>A version status as the API writes it (<c>AWAITING_ENTRIES</c>, <c>SAVED</c>, ...), for messages and displays.</summary>
public static class VersionStatusNames
{
    public static string Of(VersionStatus status) => JsonSerializer.Serialize(status, OptimusJsonContext.Default.VersionStatus).Trim('"');
}
