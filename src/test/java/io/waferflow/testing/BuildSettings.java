package io.waferflow.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The build's own settings, read from {@code pom.xml} (its {@code <properties>}), so that deployment files (docker/,
 * flink-conf/) and the job jar can be checked against what Maven really builds rather than against a copy.
 */
public final class BuildSettings {

    private static final Path POM = Path.of("pom.xml");

    private BuildSettings() {}

    public static String flinkVersion() {
        return property("flink.version");
    }

    public static String mainClass() {
        return property("main.class");
    }

    /** File name of the job jar for {@code flink run} ({@code job.jar.name}). */
    public static String jobJarName() {
        return property("job.jar.name");
    }

    /** The job jar, built before the tests run (see the shade plugin's comment in pom.xml). */
    public static Path jobJar() {
        return Path.of("target").resolve(jobJarName());
    }

    public static String property(String name) {
        String value = properties().get(name);
        if (value == null) {
            throw new IllegalStateException("pom.xml has no property <" + name + ">");
        }
        return value;
    }

    private static Map<String, String> properties() {
        try {
            Element project = DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(Files.newInputStream(POM))
                    .getDocumentElement();
            Map<String, String> properties = new HashMap<>();
            NodeList sections = project.getElementsByTagName("properties");
            for (int s = 0; s < sections.getLength(); s++) {
                if (sections.item(s).getParentNode() != project) {
                    continue; // a profile's or plugin's properties
                }
                NodeList children = sections.item(s).getChildNodes();
                for (int i = 0; i < children.getLength(); i++) {
                    Node child = children.item(i);
                    if (child.getNodeType() == Node.ELEMENT_NODE) {
                        properties.put(
                                child.getNodeName(), child.getTextContent().trim());
                    }
                }
            }
            return properties;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + POM.toAbsolutePath(), e);
        }
    }
}
