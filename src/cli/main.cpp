#include <iostream>

#include "app.hpp"

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    return funnel::cli::run(argc, argv);
}
