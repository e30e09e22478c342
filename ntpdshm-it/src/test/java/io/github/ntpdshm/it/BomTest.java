/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.ntpdshm.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * This module is a consumer of ntpdshm-bom: its class path was resolved through the BOM (ntpdshm-parent imports
 * it from the reactor, as a user's build imports it from Maven Central), so every jar the BOM manages that is on the
 * class path must be there in the BOM's version. The one that matters most: jnr-ffi 2.3.7 asks for jffi 1.4.7,
 * whose native jar does not exist, and the BOM pins both jffi jars to 1.4.3.
 */
class BomTest {

    /** One dependencyManagement entry of the BOM, its properties replaced. */
    private static final class Managed {
        final String artifactId;
        final String version;
        final String classifier;

        Managed(String artifactId, String version, String classifier) {
            this.artifactId = artifactId;
            this.version = version;
            this.classifier = classifier;
        }

        /** The file name Maven gives this artifact in a repository. */
        String fileName() {
            String suffix = classifier.isEmpty() ? "" : "-" + classifier;
            return artifactId + "-" + version + suffix + ".jar";
        }
    }

    @Test
    void everyManagedJarOnTheClassPathHasTheBomsVersion() throws Exception {
        List<Managed> managed = readBom(Paths.get(System.getProperty("ntpdshm.bom")));
        List<String> classPath = classPathFileNames();
        List<String> checked = new ArrayList<>();
        for (Managed m : managed) {
            String prefix = m.artifactId + "-";
            List<String> sameArtifact = classPath.stream()
                    .filter(f -> f.startsWith(prefix) && Character.isDigit(f.charAt(prefix.length())))
                    .collect(Collectors.toList());
            boolean wanted = sameArtifact.contains(m.fileName());
            boolean otherVersion = sameArtifact.stream().anyMatch(f -> !f.startsWith(prefix + m.version));
            assertFalse(otherVersion, m.artifactId + " " + m.version + " is managed by the BOM, but the class path has "
                    + sameArtifact);
            if (wanted) {
                checked.add(m.fileName());
            }
        }
        // the JNR backend's jffi pin, both jars, and each library the backends bind
        for (String expected : Arrays.asList("jffi-1.4.3.jar", "jffi-1.4.3-native.jar", "jnr-ffi-", "jna-",
                "ntpdshm-api-", "ntpdshm-testsuite-", "ntpdshm-jna-", "ntpdshm-jnr-", "ntpdshm-panama-")) {
            assertTrue(checked.stream().anyMatch(f -> f.startsWith(expected)),
                    expected + " was not found on the class path in the BOM's version; checked " + checked);
        }
    }

    @Test
    void theBomManagesTheApiTheTestSuiteTheBackendsTheToolAndTheJffiPin() throws Exception {
        List<String> entries = readBom(Paths.get(System.getProperty("ntpdshm.bom"))).stream()
                .map(m -> m.artifactId + (m.classifier.isEmpty() ? "" : ":" + m.classifier) + ":" + m.version)
                .collect(Collectors.toList());
        String version = System.getProperty("ntpdshm.version");
        for (String expected : Arrays.asList("ntpdshm-api:" + version, "ntpdshm-testsuite:" + version,
                "ntpdshm-panama:" + version,
                "ntpdshm-jna:" + version, "ntpdshm-jnr:" + version, "ntpdshm-cli:" + version,
                "ntpdshm-cli:all:" + version, "jffi:1.4.3", "jffi:native:1.4.3")) {
            assertTrue(entries.contains(expected), expected + " missing from the BOM: " + entries);
        }
    }

    private static List<String> classPathFileNames() {
        // Surefire runs the tests from a manifest-only jar: the real class path is in this property
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(classPath.split(File.pathSeparator)).map(p -> Paths.get(p).getFileName().toString())
                .collect(Collectors.toList());
    }

    private static List<Managed> readBom(Path bom) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(bom.toFile());
        Element project = doc.getDocumentElement();
        Map<String, String> properties = new HashMap<>();
        properties.put("project.version", System.getProperty("ntpdshm.version"));
        NodeList props = child(project, "properties").getChildNodes();
        for (int i = 0; i < props.getLength(); i++) {
            if (props.item(i) instanceof Element) {
                properties.put(props.item(i).getNodeName(), props.item(i).getTextContent().trim());
            }
        }
        List<Managed> managed = new ArrayList<>();
        NodeList deps = child(child(project, "dependencyManagement"), "dependencies").getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element dep = (Element) deps.item(i);
            managed.add(new Managed(text(dep, "artifactId", properties), text(dep, "version", properties),
                    text(dep, "classifier", properties)));
        }
        assertFalse(managed.isEmpty(), "no dependencyManagement entries in " + bom);
        return managed;
    }

    private static Element child(Element parent, String name) {
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element && nodes.item(i).getNodeName().equals(name)) {
                return (Element) nodes.item(i);
            }
        }
        throw new AssertionError("<" + name + "> not found under <" + parent.getNodeName() + ">");
    }

    private static String text(Element dep, String name, Map<String, String> properties) {
        NodeList nodes = dep.getElementsByTagName(name);
        if (nodes.getLength() == 0) {
            return "";
        }
        Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(nodes.item(0).getTextContent().trim());
        StringBuffer out = new StringBuffer();
        while (m.find()) {
            String value = properties.get(m.group(1));
            assertTrue(value != null, "unknown property ${" + m.group(1) + "} in the BOM");
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
