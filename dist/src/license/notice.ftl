<#-- The NOTICE of the release artifacts: the third-party components the shipped jars bundle, by license. -->
<#function artifactLine p>
    <#return p.name + " (" + p.groupId + ":" + p.artifactId + ":" + p.version + ")" + (p.url??)?then(" " + p.url!"", "")>
</#function>
supervisor-kafka

The jars in lib/ bundle the ${dependencyMap?size} third-party components below, each under the license named above it.
The license and notice files a component ships are under licenses/, in a folder named after it.
<#list licenseMap as e>

${e.getKey()}:
<#list e.getValue() as project>
  ${artifactLine(project)}
</#list>
</#list>
